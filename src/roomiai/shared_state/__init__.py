"""State that every API process must agree on: sliding-window counters (in this process, or in Redis)."""

from .windows import MemoryWindows, SlidingWindows, Window

__all__ = ["MemoryWindows", "SlidingWindows", "Window"]
