"""Rule-based intent classifier for caller utterances, aware of the agent's previous turn."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .context import AgentTurn, read_agent_turn
from .departments import FAULT, department_of
from .normalise import normalise

INTENTS = (
    "book_room",
    "check_availability",
    "modify_booking",
    "cancel_booking",
    "get_info",
    "confirm",
    "deny",
    "request_human",
    "service_request",
    "other",
)

_YES_RE = re.compile(
    r"^(?:oh |well |um |uh |ah |hmm |okay |ok |alright |great |perfect |cool |wow |please,? )?"
    r"(?:yes|yeah|yea|yep|yup|ya|yah|ye|yess+|yews|yeas|aye|si|sure|surely|of course|certainly|absolutely"
    r"|definitely|correct|exactly|indeed|affirmative|right|that's right|that is right|you're right"
    r"|you are right|you got it|(?:i|we) (?:sure )?(?:do|did|would|will|am|have)(?=\W*$|[,.!] |,? yes| please)"
    r"|please do|go ahead|do it|do that|yes please|uh huh|mm hmm|mhm|mm|mmhm|by all means|confirmed?|i confirm"
    r"|i accept|agreed)\b(?! not)"
)
_POSITIVE_RE = re.compile(
    r"^(?:oh |well |um |uh |ah |hmm |and |i think )?(?:that|thats|this|it|which|everything|all)?(?:'s| is| would be| will be"
    r"| sounds| seems| looks| works| suits| all sounds| should be|'ll|'d| 'll| ll| does| would| will)? ?(?:(?:really|very|just|so|pretty|all|quite|absolutely) )?"
    r"(?:good|great|perfect|fine|ok|okay|alright|all right|right|correct|excellent|awesome|wonderful|nice"
    r"|lovely|fantastic|terrific|amazing|brilliant|super|cool|ideal|works?|suits?|sounds good|sounds great"
    r"|splendid|marvell?ous|fab|fabulous|grand|superb|smashing|delightful|outstanding|magnificent|wicked|sweet|neat"
    r"|spot on|bang on|just the ticket|much appreciated|exceptional|stellar|peachy|dandy|top notch|music to my ears"
    r"|sounds perfect|sounds fine|that works|works for me|works fine|good to me|what i want|what i need"
    r"|what i wanted|exactly what|proceed|confirmed|permission granted|granted|the deal|suffice)\b"
    r"|^(?:that|it|this)(?:'ll| will| would| should) do\b"
    r"|^you(?:'ve| have)? (?:heard|got|understood) (?:(?:it|that|me|everything|all of (?:it|that)) )?"
    r"(?:right|correctly|perfectly|exactly|spot on)\b"
)
_WOULD_BE_RE = re.compile(
    r"^(?:oh |well |ah |um |uh )?(?:that|this|it)(?:'d| would|'ll| will| sounds| seems)(?: be)? (?:just |really |very |most |so |absolutely |quite )?"
    r"(?!too\b|a (?:problem|shame|pity)|bad|awful|terrible|no |not |difficult|hard|expensive|pricey|costly|a bit"
    r"|(?:all|it|everything|enough|that|none|nothing|wrong|incorrect|unnecessary|impossible|unfortunate|odd|weird"
    r"|strange|sad|annoying|inconvenient|silly|crazy|worse|late|early|a no)\b)"
    r"[a-z]+\W*(?:(?:thanks?|thank you|cheers|many thanks)(?: (?:so|very) much| a lot)?\W*)?$"
)  # "that would be splendid, thank you": any word in that frame, thanks after it, is pleased
_LEAD_POSITIVE_RE = re.compile(
    r"^(?:ok|okay|alright|all right|great|perfect|fine|good|cool|excellent|awesome|wonderful|nice|lovely"
    r"|fantastic|terrific|amazing|brilliant|super|sounds good|sounds great|sounds perfect|that works|works for me"
    r"|let's do it|let's go with (?:it|that|this)|i'll take it|i will take it|book it|go for it|please proceed"
    r"|proceed|that suits me|suits me)\b"
)
_NO_RE = re.compile(
    r"^(?:oh |well |um |uh |ah |hmm |sorry,? |actually,? |absolutely |definitely |certainly |of course )?"
    r"(?:no|nope|nah|naw|not (?:now|really|yet|right now|at (?:the|this) (?:moment|time)|today|this time|quite|exactly"
    r"|that|necessary|needed|interested|for now)|negative|nothing|none|no thanks|no thank you|not at all"
    r"|never mind|nevermind|i don't|i do not|don't|do not|incorrect|wrong|that's wrong|that is wrong"
    r"|that's not (?:right|correct|it)|that is not (?:right|correct|it)|not correct|not right|i'm good|i am good"
    r"|we're good|i'm fine|i'm all set|i am all set|all set|no need|i'm okay|i'm ok|not(?=\W*$|,))\b"
    r"(?! (?:problem|worries|worry|doubt)\b)"
)
_CORRECTION_RE = re.compile(
    r"^(?:actually|wait|hold on|hang on|sorry|oops|i meant|i mean|not quite|change|make (?:it|that)|instead"
    r"|correction|let me change|let's change|let's make|can you change|could you change|please change"
    r"|i said|my mistake|scratch that|rather|what was i thinking)\b"
    r"|\b(?:instead|i meant|not (?:the|on the)|rather than|make it|change (?:it|that|the) to)\b"
)
_CLOSING_RE = re.compile(
    r"\b(?:thanks?|thank you|thx|thankyou|thnx|thanks a lot|appreciate|grateful|thankful|cheers|bye|goodbye"
    r"|good bye|have a (?:nice|good|great)|that's all|that is all|that'll be all|that will be all|that would be all"
    r"|that's it|that is it|that's everything|that is everything|all i need|all i needed|all i want|all i wanted"
    r"|i'm done|i am done|we're done|we are done|all set|good to go|nothing else|no further|not anything else"
    r"|that should be everything|that takes care|i'm set|i am set|enough for (?:today|now)|i think i'm good|that's about it|done for now|that'll do|that will do"
    r"|that's what i needed|you've been (?:a )?(?:great|very|so|really)|you're (?:very|so|a) (?:helpful|great|star)"
    r"|you are (?:very|so) helpful|great help|helpful)\b"
)
_SLOT_VALUE_RE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)|\d+ (?:rooms?|days?|nights?|people|persons?|guests?|adults?)|today|tomorrow|tonight"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|august"
    r"|september|october|november|december|check ?in|check ?out|(?:1|one) room)\b"
)
_LATER_RE = re.compile(
    r"\bbut (?:not (?:now|yet|right now|today|at the moment)|later|maybe later|another time|i(?:'ll| will) (?:decide|do (?:it|that)|think)"
    r"|i think i(?:'ll| will)|let's do (?:it|that) later|not just yet|change|make (?:it|that)|can you change"
    r"|could you change|i (?:want|need|would like|'d like) to change)|\b(?:not ready|hold off)\b"
)
_LEADING_CLOSING_RE = re.compile(
    r"^(?:(?:ok(?:ay)?|great|perfect|cool|wow|excellent|awesome|fine|nice|sure|alright|i see|oh)\W+)*"
    r"(?:thank you|thanks|thank|thx|cheers|i appreciate (?:it|that|your help|the help)|appreciate it|many thanks)"
    r"(?: (?:so|very) much| a lot| a bunch| again)*(?: for (?:all )?(?:the |your |that |this |my )?(?:immense |kind |great )?"
    r"(?:help|information|info|assistance|everything|that|this|same|time|helping(?: me)?(?: out)?(?: there)?"
    r"|making (?:the|my|that) (?:reservation|booking)|booking(?: the \w+)?|reserving(?: the \w+)?|the \w+"
    r"|your \w+))?(?: (?:so|very) much| a lot| again)*(?:[.!,]+\s*|\s+|$)"
)
_GREETING_RE = re.compile(r"^(?:hi|hello|hey|good (?:morning|afternoon|evening)|howdy|greetings)\b")

_HUMAN_RE = re.compile(
    r"\b(?:(?:talk|speak|chat|connect|transfer|put) (?:me )?(?:to|with|through to) (?:a |an |the |your |some )?"
    r"(?:real |live |actual |human |hotel |duty |night )?(?:person|human|people|someone|somebody|agent|manager"
    r"|representative|rep|receptionist|staff|operator|front desk|reception|supervisor|employee|concierge|desk clerk"
    r"|clerk|man|woman|guy)"
    r"|(?:real|live|actual) (?:person|human|agent)|human being|(?:an? )?operator|representative|supervisor"
    r"|(?:front desk|reception|manager|concierge)(?: please| now|,? please)?$|^(?:agent|human|person|manager)(?: please)?$"
    r"|not (?:a|talk to a|talking to a) (?:robot|machine|bot|computer)|stop (?:the )?(?:robot|bot)"
    r"|(?:is|are) there (?:a |an )?(?:human|person|someone|anybody|anyone) (?:i can|to) (?:talk|speak)"
    r"|(?:get|give) me (?:a |the )?(?:human|person|manager|front desk|reception|operator)"
    r"|^(?:please )?(?:transfer|connect|put) me(?: through)?(?: please)?$"
    r"|i (?:want|need|would like|'d like) (?:a |to talk to a |to speak (?:to|with) a )?(?:human|real person|manager))\b"
)
_CANCEL_RE = re.compile(
    r"\b(?:cancel+(?:ing|ed|ation)?|call off|scrap (?:my|the|our)|don't need (?:the|my|our) (?:room|reservation|booking) "
    r"anymore|no longer need (?:the|my|our|a) (?:room|reservation|booking))\b"
)
_CANCEL_INFO_RE = re.compile(
    r"\b(?:policy|policies|fee|fees|charge|charged|penalty|refund|refundable|free cancell?ation|deadline"
    r"|how late|what happens|if i (?:need to |have to )?cancel|in case|how long before|by when|until when)\b"
)
_CANCEL_TARGET_RE = re.compile(
    r"\bcancel+(?:ing)? (?:my|our|the|this|a|that|an|existing|entire|whole)? ?(?:\w+ )?"
    r"(?:reservation|booking|room|stay|trip|rooms|order)\b|\bcancel+ation\b|\bcancel+ my\b|\b(?:like|want|need|have)"
    r" to cancel\b|\bcan i cancel\b|\bcancel (?:it|everything)(?: please)?$"
)
_CANCEL_THAT_RE = re.compile(
    r"^(?:no,? )?(?:please )?cancel (?:it|that|this)(?: please)?$|^(?:never ?mind|forget (?:it|that))"
)
_MODIFY_RE = re.compile(
    r"\b(?:(?:change|modify|alter|amend|update|edit|adjust|move|shift|switch|push|extend|shorten|reschedule)"
    r"(?:ing|d|s)? (?:the |my |our |this |that |an |existing |current )?(?:\w+ )?(?:reservation|booking|dates?|stay"
    r"|check ?in|check ?out|arrival|departure|room type|trip|room|nights?)"
    r"|reschedul\w*|extend (?:my|our|the) stay|stay (?:an? )?(?:extra|additional|another|1 more|one more) nights?"
    r"|add (?:an? |1 |one |another |2 |two )?(?:extra |more |additional )?nights?|(?:an? )?(?:extra|additional) night"
    r"|(?:leave|check out|depart) (?:a day |1 day |one day )?(?:earlier|early|later)|arrive (?:a day |1 day )?(?:earlier|later)"
    r"|(?:change|move|push|switch) (?:it|that|them) (?:to|back|forward)|(?:change|switch|upgrade) (?:to|my room)"
    r"|upgrade|different dates|new dates|(?:change|update) (?:the )?(?:name|number of guests|guest count)"
    r"|add (?:a|another|1|one) (?:guest|person|room|bed)|(?:move|push) (?:my|our|the) (?:reservation|booking)"
    r"|add (?:\w+ ){1,3}to (?:my|our|the) (?:reservation|booking|stay))\b"
)
_EXISTING_RE = re.compile(
    r"\b(?:my|our|existing|current|the reservation|the booking|already (?:have|made|booked)|i (?:have|made|booked) (?:a|the)"
    r"|confirmation (?:number|code)|roomi)\b"
)
_SERVICE_STRONG_RE = re.compile(
    r"\b(?:housekeeping|house keeping|room service|maid service|turn ?down service|maintenance|engineering"
    r"|(?:send|bring|deliver|get|have)(?: me| us)?(?: some| more| an extra| extra| a| an| the)? \w+(?: \w+)?"
    r" (?:up|over|sent up|brought up|to (?:my|our|the) room|to room)"
    r"|(?:to|in|for|at|into) (?:my|our) (?:room|suite)\b|(?:to|in|for|at) room (?:number )?\d{2,4}|\broom (?:number )?\d{3,4}"
    r"|order (?:some )?(?:food|breakfast|dinner|lunch|room service|a pizza|drinks|a meal)"
    r"|(?:is|are|isn't|aren't|'s|seems?|keeps?) (?:not working|broken|leaking|clogged|blocked|flickering|dirty"
    r"|too (?:hot|cold|loud|noisy)|making (?:a )?noise)|(?:doesn't|does not|don't|won't|will not|isn't|can't|cannot)"
    r" (?:work|turn on|flush|drain|open|lock|stop|connect)|broken|not working|no hot water|out of (?:toilet paper|towels"
    r"|soap|shampoo)|clean (?:my|our|the) room|make up (?:my|our|the) room|wake ?up call|fresh towels|too noisy"
    r"|noisy neighbou?rs|locked (?:myself )?out|key card (?:is|isn't|doesn't|not)|(?:lost|new|another|replacement) (?:my |the |our )?(?:room )?key"
    r"|(?:call|get|book|order) (?:me |us )?(?:a )?(?:taxi|cab|uber)|bellhop|bell ?boy|help with (?:my|our) (?:bags|luggage))\b"
)
_SERVICE_ITEM_RE = re.compile(
    r"\b(?:(?:extra|more|fresh|clean|spare|additional) (?:towels?|pillows?|blankets?|toiletries|sheets|soap|shampoo"
    r"|hangers|toilet paper|coffee|water|linens?)|(?:need|want|get|have|like|bring|send) (?:some |a |an |me |us )*"
    r"(?:towels|pillows|blankets|toothbrush|toothpaste|iron|hair ?dryer|ironing board|razor|phone charger|adapter"
    r"|plunger|bathrobe|slippers)|late check ?out|early check ?in|air ?con\w*|\bac\b|\ba/c\b|heater|heating"
    r"|thermostat|toilet|shower|sink|tv|television|remote|minibar|mini bar|valet|luggage)\b"
)
_INFO_TOPIC_RE = re.compile(
    r"\b(?:address|location|where(?:'s| is| are| do| can| exactly)|directions|how (?:do i|to|can i) get|how far|distance"
    r"|phone|telephone|(?:phone |contact |their |the |its |your |a )number(?! of)|contact|direct line|call them|reach them"
    r"|price|prices|pricing|cost|costs|how much|rate|rates|charge|fee|fees|total|bill|per night|nightly|expensive"
    r"|cheap(?:er|est)?|wifi|wi fi|internet|pets?|dogs?|cats?|animals?|pet friendly|parking|park my car|breakfast"
    r"|included|include|pool|gym|fitness|spa|restaurant|bar|room service|shuttle|check ?in time|check ?out time"
    r"|what time|when (?:is|can|do|does)|hours|open|policy|policies|smoking allowed|allow smoking|rating|rated"
    r"|how many stars|is (?:it|this|that|the hotel) (?:a )?\d star|star rating|reviews?|amenities|facilities"
    r"|laundry|kitchen|microwave|fridge|elevator|accessible|wheelchair|family friendly|kid friendly"
    r"|child friendly|children allowed|kids allowed|deposit|credit card|pay|payment|cash|currency|tax|taxes"
    r"|resort fee|cribs?|cots?|safe|luggage storage|store my (?:bags|luggage)|late check ?out|early check ?in"
    r"|check ?in early|check ?out late|possible to"
    r"|tell me (?:about|more)|information|info|details|what kind of|what type of|which floor|size of|square"
    r"|how many (?:people|guests|beds)|sleeps?|accommodate|occupancy|password|dress code|transport|subway"
    r"|metro|attractions?|things to do|hot tub|jacuzzi|sauna|business center|meeting room|conference room"
    r"|ev charg\w*|refund|refundable|cancell?ation|complimentary|free (?:wifi|parking|breakfast|cancell?ation)"
    r"|post ?code|zip ?code|postal code|website|earliest|latest|how early|how late|opening hours|open until|close"
    r"|is it free|on site|what(?:'s| is) (?:it|the hotel) like|difference|differences|compare"
    r"|when'?s|how big|bigg(?:er|est)|larg(?:e|er|est)|small(?:er|est)|(?:kids|children|child) (?:free|stay|cost|pay)"
    r"|american express|amex|visa|mastercard|credit cards?|bath ?tubs?|balcon(?:y|ies)|views?)\b"
)
_QUESTION_RE = re.compile(
    r"\?|^(?:(?:please|and|so|okay|ok|oh|now|then|also|um|uh|well|great|cool|i see|let's see|sure|thanks|thank you"
    r"|actually|hi|hello|hey|yes|yeah|one more thing|quick question|by the way|oh and|and also"
    r"|sounds (?:interesting|good|great)|this sounds interesting|now then|hmm)\W+)*(?:what|what's|whats|where|where's|when|how|how's|which|who|whose|why|is|are|do|does|did|can|could"
    r"|would|will|may|might|should|shall|any|anything|tell me|let me know|i'd like to know|i would like to know"
    r"|i want to know|i wanna know|i need to know|i was wondering|wondering|i wonder|please (?:tell|let me know|find out"
    r"|check|give)|give me|get me|find out|check (?:if|whether)|whether|i need the|i'd like the|i want the"
    r"|can you tell|could you tell|let me (?:get|have|know)|do you know|please provide|provide|please let me"
    r"|you got|you have|got (?:their|the|its)|give (?:me )?(?:their|the|its)|and (?:the|their|its)|the)\b"
    r"|\b(?:tell me|let me know|i'd like to know|i would like to know|i want to know|i wanna know|i need to know"
    r"|wondering|find out|check (?:if|whether)|whether|do you know|can you tell me|could you tell me|give me"
    r"|what (?:is|are|about|time|kind|type|does|do)|what's|whats|where (?:is|are|do|can)|where's|how (?:much|far|many|long"
    r"|about|do|does|can)|is there|are there|does it|does the|do they|do you have|can i bring|are (?:pets|dogs|kids)"
    r"|is (?:breakfast|parking|wifi|it))\b"
)
_INFO_NOT_QUESTION_RE = re.compile(
    r"\b(?:i need|i'd like|i would like|i want|get me|give me|send me|let me have|let me get|let me know|tell me)"
    r" (?:the |their |its |it's |your |a )?(?:hotel's |hotels )?(?:address|phone|number|contact|price|cost|rating|location"
    r"|total|direct line|phone number|street address|rate)\b"
    r"|^(?:the |and )?(?:address|phone number|contact number|price|cost|rating|location|total|direct line)\b"
    r"|^(?:(?:and|so|ok|okay|just|only|i just need|i only need|i just want|i only want)\W+)*(?:the |your |its |their |the hotel's )?"
    r"(?:post ?code|zip ?code|postal code|street address|address|phone number|number|area|star rating|website)(?: please)?$"
)
# a yes/no question about what the hotel or its rooms have: "do rooms come with a kettle", "is there a minibar"
_FACILITY_RE = re.compile(
    r"\b(?:(?:do|does|will|would) (?:the |your |all |all the |each )?(?:rooms?|suites?|hotel|place|you|you guys|it|they|the bathroom)"
    r" (?:come with|have|include|offer|provide|got|serve)|(?:is|are) there (?:a|an|any|some)|do i get (?:a|an|any|free)"
    r"|can (?:i|we) (?:use|bring) (?:the|a|an|my|our)|is (?:the|there|it) \w+ (?:free|included|extra|open|available|allowed))\b"
)
_SEARCH_RE = re.compile(
    r"(?<!keep )(?<!all i was )(?<!what i was )(?<!what i'm )(?<!all i'm )\b(?:find\w*|search\w*|look(?:ing)? for|look(?:ing)? up|looking|(?:need\w*|require|want|get|grab|help \w+ with)"
    r" (?:me )?(?:a |an |one )?(?:\w+ )?(?:hotel|place to stay|hotel room)|^(?:a |an )?hotel(?: room)?(?: please)?$"
    r"|(?:how|what) about (?:a |an )?(?:\w+ )?hotel|show me|suggest|recommend|options?|alternatives?"
    r"|hotels|available|availability|availabilities|vacanc(?:y|ies)|any rooms|rooms? (?:free|open)|have (?:a |any )?rooms?"
    r"|have (?:any )?(?:space|openings?)|is there (?:a|any) room|are there (?:any )?rooms|got (?:a |any )?rooms?|need a hotel"
    r"|want a hotel|a hotel (?:in|near|around|there|nearby|close)|(?:nearby|area|around) hotel|hotel (?:nearby|around|in the area)"
    r"|star hotel|\d star|stars|place to stay|somewhere to stay|where (?:to|can i) stay|hotel to stay|need a place"
    r"|check (?:if|whether) (?:you|there)|free rooms|still have)\b"
)
_SEARCH_STRONG_RE = re.compile(
    r"(?<!keep )(?<!all i was )(?<!what i was )(?<!what i'm )(?<!all i'm )\b(?:find(?!ing out| out)\w*|search\w*|look(?:ing)? for|look(?:ing)? up|show me|suggest|recommend|availab\w*|vacanc\w*"
    r"|any rooms|have (?:a |any )?rooms? (?:available|free|open|for)|do you have (?:a |any )?(?:room|rooms|space|suites?"
    r"|openings?|king|queen|double|single|twin|deluxe|standard)|are there (?:any )?rooms|is there (?:a|any) room"
    r"|hotels|star|stars|wifi|pets?|pet friendly|place to stay|somewhere to stay|other options)\b"
)
_BOOK_RE = re.compile(
    r"\b(?:book|booking|reserve|reserving|reservation|reservations|make a booking|secure|hold (?:a|the|it)"
    r"|i'll take|i will take|let's do|get me a room|give me a room|i need a room|i want a room|i'd like a room"
    r"|i would like a room|like to stay|want to stay|need to stay|wish to stay|planning to stay|a room for"
    r"|rooms? for|i need (?:\d|a|one|the|some) rooms?|want (?:\d|a|one|the) rooms?|like (?:\d|a|one|the) rooms?"
    r"|stay (?:there|at|in)|check in|check ?in on|nights?|room at|rooms at|room in (?:this|that|the)|go with"
    r"|arriv\w+|leaving|check(?:ing)? out on|coming in on|staying)\b"
)
_BOOK_STRONG_RE = re.compile(
    r"\b(?:reserve|reserving|reservations?|make a booking|book (?:it|this|that|the|one|\d|a room|me a room|me|us|rooms?"
    r"|for|there)|booking for|i'll take|i will take|want to book|like to book|need to book|wish to book"
    r"|check in (?:on|at|from)|check ?in date|checking in|check out (?:on|at)|checking out|arriv\w+ on"
    r"|put (?:me|us) down for|pencil (?:me|us) in|sign (?:me|us) up for|(?:get|grab|hold) (?:me|us) a room)\b"
)
_SERVICE_ASK_RE = re.compile(
    r"^(?:please |hi |hello |yes |yeah |um |uh |so |and |also )*(?:can|could|may|would) (?:i|we|you) (?:please )?"
    r"(?:get|have|request|bring|send|arrange|give)\b"
)
_MY_BOOKING_RE = re.compile(r"\b(?:my|our) (?:existing |current )?(?:reservation|booking)\b")
_CHANGE_ANYWHERE_RE = re.compile(
    r"\b(?:chang\w*|modify\w*|mov(?:e|ing)|amend\w*|updat\w*|switch\w*|push\w*|extend\w*|shorten\w*|add(?:ing)?|instead(?: of)?"
    r"|(?:later|earlier) than|different|needs to be|should be|correct(?:ion)?|wrong)\b"
)
_REQUEST_FORM_RE = re.compile(
    r"\b(?:(?:could|can|may|would) (?:i|we|you|someone|somebody) (?:please )?(?:get|have|send|bring|order|arrange|call)"
    r"|(?:we|i) (?:need|want|would like|'d like)|(?:we're|we are|i'm|i am) out of|ran out of|please (?:send|bring|arrange)"
    r"|send (?:up|over|someone|somebody)|bring (?:up|us|me))\b"
)
_ROOM_SEEKING_RE = re.compile(
    r"\b(?:(?:a|an|one|\d|the|your) (?:\w+ ){0,3}(?:room|rooms|suite)|book\w*|reserv\w*|check(?:ing)? in on|stay(?:ing)?"
    r" (?:for|from)|nights?|arriv\w*)\b"
)
_NEGATED_TASK_RE = re.compile(
    r"\b(?:not|don't|do not|didn't|did not|won't|will not|no need to|not going to|not ready to|don't want to)"
    r"(?: \w+){0,3} (?:book|reserve|reservation|booking|find|search|look)"
)
_FIND_INFO_RE = re.compile(
    r"\b(?:find|search|check|look up|get)(?: me| out| for me)? (?:the |their |its |it's |if |whether |what |how )"
    r"(?:\w+ ){0,3}(?:address|phone|number|contact|price|cost|rating|wifi|pets?|location|located|allows?"
    r"|star|rate|total)\b"
)
_HOTEL_WORD_RE = re.compile(r"\b(?:hotel|room|rooms|stay|suite|motel|accommodation|lodging|place to sleep)\b")
_ALTERNATIVE_RE = re.compile(
    r"\b(?:anything else|something else|other (?:hotels?|options?|ones?|places?)|another (?:one|hotel|option|place)"
    r"|what else|more options|else (?:available|there)|different (?:hotel|one|option))\b"
)
_LATE_EARLY_RE = re.compile(r"\b(?:late check ?out|early check ?in)\b")
_CLAUSE_SPLIT_RE = re.compile(r"[.!?;]\s|[.!?;]$|, (?=and |but |i |we |please |can |could |what |how |does |is )")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?;,])\s+")
_CONTRAST_RE = re.compile(r"\b(?:but|instead|rather)\b")
_SEARCH_VERB_RE = re.compile(r"\b(?:find(?! out)\w*|search\w*|look(?:ing)? for|show me|suggest|recommend|other)\b")
_RESERVE_RE = re.compile(r"\b(?:reserve|reservation|make a booking)\b")
_WANT_RE = re.compile(r"\b(?:need|want|like|get|looking)\b")
_AFTER_NO_FILLER_RE = re.compile(
    r"^[\s,.!]*(?:(?:thanks?|thank you|not (?:right )?now|not yet|maybe later|but|i don't|i do not)[\s,.!]*)*"
)
_COMPLAINT_RE = re.compile(
    r"\b(?:broken|not working|doesn't work|does not work|won't|isn't working|leaking|clogged|no hot water"
    r"|too (?:hot|cold|loud|noisy)|dirty|smells?)\b"
)
_THIS_ONE_RE = re.compile(r"\b(?:this|that|the) (?:hotel|room|one)\b|\bbook (?:it|that|this)\b")


@dataclass(frozen=True)
class IntentResult:
    """Intent label and a rough confidence in [0, 1]."""

    intent: str
    confidence: float


class IntentClassifier:
    """Deterministic intent classifier for a hotel receptionist."""

    def classify(self, utterance: str, *, previous_agent: str = "") -> IntentResult:
        """Classify one caller utterance, using the agent's previous utterance as context."""
        text = normalise(utterance).strip(" .,!;:-\"'")
        turn = read_agent_turn(previous_agent)
        if not text:
            return IntentResult("other", 0.3)
        intent, conf = _decide(text, turn)
        return IntentResult(intent, conf)


def _first_clause(text: str) -> str:
    return _CLAUSE_SPLIT_RE.split(text, maxsplit=1)[0]


def _rest(text: str) -> str:
    parts = _SENTENCE_SPLIT_RE.split(text, maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def _task_intent(text: str, turn: AgentTurn) -> tuple[str, float] | None:
    """Intent from the content of the utterance, ignoring yes/no framing."""
    text = text.strip(" ,.!;:-")
    if not text:
        return None
    if _NEGATED_TASK_RE.search(text) and not _CONTRAST_RE.search(text):
        return None
    if _HUMAN_RE.search(text):
        return "request_human", 0.92
    if _CANCEL_RE.search(text):
        if turn.confirm and _CANCEL_THAT_RE.search(text):
            return "deny", 0.8
        if _CANCEL_INFO_RE.search(text):
            return "get_info", 0.85
        if _CANCEL_TARGET_RE.search(text):
            return "cancel_booking", 0.92
    if _MODIFY_RE.search(text) and (_EXISTING_RE.search(text) or turn.done):
        return "modify_booking", 0.85
    if _MY_BOOKING_RE.search(text) and _CHANGE_ANYWHERE_RE.search(text):
        return "modify_booking", 0.8  # "we're arriving a day later, can you fix that on my booking"
    is_question = bool(_QUESTION_RE.search(text))
    if _SERVICE_STRONG_RE.search(text) and (
        _SERVICE_ASK_RE.search(text) or _complaint(text) or not (is_question and _info(text, True))
    ):
        return "service_request", 0.88
    if (
        _SERVICE_ITEM_RE.search(text)
        and not _ROOM_SEEKING_RE.search(text)
        and not turn.asked_slots
        and not _BOOK_STRONG_RE.search(_LATE_EARLY_RE.sub("", text))
        and (not (is_question and _info(text, True)) or _SERVICE_ASK_RE.search(text))
    ):
        return "service_request", 0.75
    if (
        not turn.asked_slots
        and not _ROOM_SEEKING_RE.search(text)
        and not (is_question and _info(text, True))
        and (FAULT.search(text) or (_REQUEST_FORM_RE.search(text) and department_of(text)))
    ):
        return "service_request", 0.75  # "the sink is leaking", "could you send up some ice"
    info = _info(text, is_question)
    search_strong = _SEARCH_STRONG_RE.search(text)
    book_strong = _BOOK_STRONG_RE.search(text)
    if _FIND_INFO_RE.search(text):
        return "get_info", 0.85
    if info and not (book_strong and not is_question):
        if not (search_strong and _SEARCH_VERB_RE.search(text)):
            return "get_info", 0.85
    search = _SEARCH_RE.search(text)
    book = _BOOK_RE.search(text)
    if search_strong and not _RESERVE_RE.search(text):
        return "check_availability", 0.8
    if book_strong:
        return "book_room", 0.8
    if search:
        return "check_availability", 0.7
    if book and (_HOTEL_WORD_RE.search(text) or _SLOT_VALUE_RE.search(text)):
        return "book_room", 0.7
    if _MODIFY_RE.search(text):
        return "modify_booking", 0.6
    if _CANCEL_RE.search(text):
        return "cancel_booking", 0.6
    if info:
        return "get_info", 0.6
    if _HOTEL_WORD_RE.search(text) and _WANT_RE.search(text):
        return "check_availability", 0.55
    return None


def _after_no(text: str, no: re.Match[str]) -> str:
    rest = text[no.end() :]
    return _AFTER_NO_FILLER_RE.sub("", rest)


def _strip_closing(text: str) -> str:
    return _LEADING_CLOSING_RE.sub("", text, count=1)


def _complaint(text: str) -> bool:
    return bool(_COMPLAINT_RE.search(text))


def _info(text: str, is_question: bool) -> bool:
    if _INFO_NOT_QUESTION_RE.search(text):
        return True
    if (
        is_question
        and _FACILITY_RE.search(text)
        and not (
            _SEARCH_STRONG_RE.search(text)
            or _SLOT_VALUE_RE.search(text)
            or _BOOK_STRONG_RE.search(text)
            or _SERVICE_ASK_RE.search(text)
        )
    ):
        return True
    return is_question and bool(_INFO_TOPIC_RE.search(text))


def _decide(text: str, turn: AgentTurn) -> tuple[str, float]:
    first = _first_clause(text)
    rest = _rest(text)
    if _HUMAN_RE.search(text):
        return "request_human", 0.92
    no = _NO_RE.search(first)
    yes = _YES_RE.search(first)
    if no and not yes:
        if turn.confirm or turn.yes_no or turn.anything_else:
            task = _task_intent(_after_no(text, no), turn)
            if (
                task
                and (task[1] >= 0.7 or task[0] == "get_info")
                and (
                    not turn.confirm
                    or not turn.about_booking
                    or task[0] in ("check_availability", "get_info", "request_human", "service_request")
                )
            ):
                return task
            return "deny", 0.9
        task = _task_intent(_strip_closing(text), turn)
        if task and task[0] not in ("get_info",) and task[1] >= 0.8:
            return task
        return "deny", 0.75
    if yes and _LATER_RE.search(text):
        return "deny", 0.8
    if turn.anything_else and _CLOSING_RE.search(text) and not _task_intent(_strip_closing(text), turn):
        return "deny", 0.8
    if yes and turn.requests_value and not turn.confirm:
        task = _task_intent(text[yes.end() :], turn)
        return task if task and task[1] >= 0.8 else ("other", 0.6)
    if yes:
        if turn.anything_else and not turn.confirm:
            task = _task_intent(rest or text[yes.end() :], turn)
            if task and task[1] >= 0.7:
                return task
        if turn.offer and not turn.confirm:
            if _CLOSING_RE.search(text):
                return "other", 0.8
            task = _task_intent(rest or text[yes.end() :], turn)
            if task and task[1] >= 0.8 and task[0] in ("book_room", "check_availability", "get_info"):
                return task
        if turn.polar or turn.offer:
            return "confirm", 0.9
        if _CLOSING_RE.search(text) and turn.done:
            return "other", 0.75
        task = _task_intent(text[yes.end() :], turn)
        if task and task[1] >= 0.7 and not turn.question:
            return task
        return "confirm", 0.7
    if turn.confirm and (_CORRECTION_RE.search(first) or _CORRECTION_RE.search(text[:40])):
        return "deny", 0.8
    positive = _LEAD_POSITIVE_RE.search(first) or _POSITIVE_RE.search(first) or _WOULD_BE_RE.search(text)
    if turn.summary and not positive and _SLOT_VALUE_RE.search(text) and not _QUESTION_RE.search(text):
        return "deny", 0.75
    if (
        (turn.confirm or turn.yes_no)
        and not positive
        and _CLOSING_RE.search(text)
        and not _task_intent(_strip_closing(text), turn)
    ):
        return "deny", 0.7
    if positive and turn.offer and not turn.confirm:
        if _CLOSING_RE.search(text):
            return "other", 0.8
        task = _task_intent(rest or text[positive.end() :], turn)
        if task and task[1] >= 0.8 and task[0] in ("book_room", "check_availability"):
            return task
    if positive and (turn.confirm or turn.yes_no) and not turn.anything_else:
        return "confirm", 0.85
    task = _task_intent(_strip_closing(text), turn)
    if (
        task
        and task[0] == "book_room"
        and not turn.anything_else
        and (
            (turn.confirm and turn.about_booking and not turn.summary)
            or ((turn.confirm or turn.yes_no) and _THIS_ONE_RE.search(text))
        )
    ):
        return "confirm", 0.75
    if task:
        return task
    if _CLOSING_RE.search(text) or _GREETING_RE.search(text):
        return "other", 0.85
    if positive:
        if turn.confirm or turn.yes_no or turn.offer:
            return "confirm", 0.7
        return "other", 0.6
    if _ALTERNATIVE_RE.search(text):
        return "check_availability", 0.5
    return "other", 0.4
