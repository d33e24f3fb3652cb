# A local stand-in for the official redis image: Debian's redis-server from the test's base image, listening on
# every address of its container like the official image (which also turns protected mode off), data in /data.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN mkdir -p /data && chown redis:redis /data
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["sh", "-c", "if [ \"$1\" = redis-server ]; then shift; set -- redis-server --protected-mode no \"$@\"; fi; exec runuser -u redis -- \"$@\"", "redis-entrypoint"]
CMD ["redis-server"]
