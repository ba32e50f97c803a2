"""What the built-in bots say, in English and Chinese: many phrasings per situation.

Chinese lines use the words players use (归票, 对跳, 银水, 踩, 倒钩, 划水, 前置位/后置位,
警徽流, 金水, 查杀, 悍跳); English lines whose subject may be several seats take a plural
verb (``open_dead_many``). Phrasings that name the player (``NAMED``) make a game's
speeches its own.

Report sentences ("seat 5 is a wolf", "5号是狼", "3号金水") are kept in the shapes
the claim parser reads, so bots understand each other the way they understand humans.
"""

from __future__ import annotations

import random
from weakref import WeakKeyDictionary

# situation -> (English phrasings, Chinese phrasings). Fields: {t} a target seat
# ("seat 5" / "5号"), {s} a seer-claim seat, {n} a name, {m} another name, {r} a list of
# results, {x} an extra clause, {a}/{b} seat numbers. Every phrasing is ONE sentence (no
# inner full stop or semicolon): a speech joins them into few, longer sentences, each
# opened by a lead naming this game's own facts (see ``LEADS`` and ``speech.join``).
LINES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "seer_claim_wolf": (
        (
            "I'm the seer, and last night I checked {t}: {t} is a wolf.",
            "time to come out: I am the seer, and {t} is a wolf, I checked them.",
            "I'm the seer and my check says {t} is a werewolf.",
            "listen carefully, I am the seer and {t} is a wolf, no doubt about it.",
            "I am the seer and I found a wolf: {t} is a wolf.",
            "I'm the seer, I checked {n} at {t} last night and {t} is a wolf.",
            "I'm the seer, and {n} won't like this: {t} is a wolf.",
            "I'm the seer and my check landed on {n}: {t} is a wolf.",
        ),
        (
            "我是预言家，昨晚查验了{t}，{t}是狼。",
            "我跳预言家，{t}查杀，就是{n}。",
            "我是预言家，我验了{t}，{t}是狼人，别犹豫。",
            "我是预言家，{t}查杀，今天必须出他。",
            "我是预言家，昨晚摸到狼了，{t}是狼。",
            "我是预言家，昨晚验的是{t}{n}，{t}是狼。",
            "我是预言家，{n}别装了，{t}查杀。",
            "我是预言家，查验落在{n}身上，{t}是狼人。",
        ),
    ),
    "seer_claim_good": (
        (
            "I'm the seer, and I checked {t}: {t} is good.",
            "I am the seer, {t} is good, I checked them.",
            "I'm the seer with no wolf yet, but {t} is good.",
            "I'll claim now: I'm the seer, and {t} is good.",
            "I am the seer, and last night's check says {t} is good.",
            "I'm the seer, I checked {n} at {t}: {t} is good.",
            "I'm the seer, {n}, you're clear: {t} is good.",
            "I'm the seer and {n} is my gold water: {t} is good.",
        ),
        (
            "我是预言家，{t}金水。",
            "我是预言家，昨晚验了{t}，{t}是好人。",
            "我跳预言家，{t}是金水，还没验到狼。",
            "我是预言家，{t}是金水，{n}是好人。",
            "我是预言家，昨晚的查验：{t}是金水。",
            "我是预言家，{t}是金水，{n}我保了。",
            "我是预言家，{n}放心，{t}金水。",
            "我是预言家，首验{n}，{t}是好人。",
        ),
    ),
    "seer_report": (
        (
            "I'm the seer, and my checks so far: {r}.",
            "I am the seer, and my results are these: {r}.",
            "I'm the seer, here is everything I know: {r}.",
            "I am the seer, and for the record: {r}.",
        ),
        (
            "我是预言家，目前的验人结果：{r}。",
            "我是预言家，我的查验：{r}。",
            "我是预言家，报一下查验：{r}。",
            "我是预言家，所有验人信息：{r}。",
        ),
    ),
    # The earlier checks, right after a claim that gave the newest one.
    "seer_more": (
        ("my earlier checks: {r}.", "before that: {r}.", "and from the nights before, {r}."),
        ("之前的查验：{r}。", "前面验的：{r}。", "再报一下之前的：{r}。"),
    ),
    "seer_counter": (
        (
            "{t} claims seer, but I am the real seer, so {t} is lying, and liars here are wolves.",
            "don't believe {t}: I'm the seer, so {t} must be a wolf.",
            "there is only one seer and it's me, which makes {t} a fake.",
            "{t} is counter-claiming me, and only a wolf fakes the seer.",
            "{n} at {t} claims seer, and {n} is lying.",
            "{n} ({t}) is a fake seer and a wolf.",
        ),
        (
            "{t}跳预言家是假的，我才是真预言家。",
            "{t}悍跳，我才是预言家，大家别被骗了。",
            "预言家只有一个，就是我，{t}是假的。",
            "我和{t}对跳，{t}是悍跳的狼。",
            "{t}{n}悍跳，他才是狼。",
            "{n}（{t}）是假预言家。",
        ),
    ),
    "badge_flow": (
        (
            "if I die tonight, my next checks were seat {a} ({na}), then seat {b} ({nb}).",
            "my plan is to check {na} at seat {a} tonight and then {nb} at seat {b}, so hold me to it.",
            "next I check seat {a}, then seat {b}, and if I fall, push {na} and {nb}.",
            "my badge flow is seat {a} first, {nb} at seat {b} after.",
        ),
        (
            "警徽流：今晚验{a}号{na}，明晚验{b}号{nb}。",
            "我的警徽流是先{a}号后{b}号，{na}和{nb}。",
            "留个警徽流，{a}号{na}、{b}号{nb}，我倒了大家照着查。",
            "警徽流先{a}后{b}，{nb}排第二。",
        ),
    ),
    "vote_call": (
        (
            "vote {t} today, that's {n}.",
            "everyone, put your vote on {t}, on {n}.",
            "{t} goes out today, and that means {n}.",
            "let's consolidate on {t}, {n}.",
            "all votes on {t}, {n}, please.",
            "{n} at {t} must go today: vote {t}.",
            "vote {t}, {n} has nowhere to hide.",
        ),
        (
            "今天出{t}，{n}。",
            "大家把票投给{t}{n}。",
            "今天请投{t}，就是{n}。",
            "归票{t}，{n}。",
            "我归票，票都挂{t}{n}。",
            "今天把{t}{n}放逐，归票{t}。",
            "票都给{t}，{n}跑不掉。",
        ),
    ),
    "suspect": (
        (
            "I find {n} at {t} suspicious{x}.",
            "my eye is on {t} ({n}){x}.",
            "{t} ({n}) worries me{x}.",
            "if I had to vote now, I'd vote {t}, {n}{x}.",
            "I suspect {t} ({n}){x}.",
            "{n} at {t} is the one I'd look at{x}.",
            "honestly, {n} at {t} reads wolf to me{x}.",
            "I keep coming back to {n} at {t}{x}.",
            "I'm looking hard at {n} at {t}{x}.",
        ),
        (
            "我觉得{t}{n}比较可疑{x}。",
            "我重点怀疑{t}{n}{x}。",
            "{t}（{n}）的表现让我不太放心{x}。",
            "现在要投的话我会投{t}{n}{x}。",
            "我踩{t}{n}{x}。",
            "{t}{n}在我这里是狼面{x}。",
            "我点{t}一下{x}。",
            "我反复想，还是{t}{n}最可疑{x}。",
            "{t}{n}，我一直在看你{x}。",
        ),
    ),
    "gut": (
        (
            "nothing solid, but {t} feels off to me.",
            "just a hunch, but keep an eye on {t}.",
            "I can't prove anything yet, but {n} at {t} seems too relaxed.",
            "on gut feeling only, {t} ({n}) is my pick.",
            "{n} ({t}) hasn't said much of substance, and I'd like to hear more from them.",
            "nobody has given much away, so {t} is my weak lean for now.",
            "{n} at {t} sat very still while the rest of us talked.",
        ),
        (
            "没什么证据，但{t}给我的感觉不太对。",
            "只是直觉，大家留意一下{t}。",
            "暂时说不出理由，{t}（{n}）有点太淡定了。",
            "纯靠感觉，我先点{t}{n}。",
            "{t}{n}有点划水，想多听听他怎么说。",
            "信息太少，我先轻踩{t}。",
            "{n}（{t}）一直没什么表态，我有点在意。",
        ),
    ),
    "follow_seer": (
        (
            "I believe {s}'s seer claim, so let's vote out {t}.",
            "{s} is our seer as far as I can tell, so vote {t}.",
            "I trust {s}, and {t} has to go.",
            "I'm with {s} on this one: {t} goes out.",
            "{n} at {t} is the reported wolf, and I believe {s}: vote {t}.",
        ),
        (
            "我相信{s}是真预言家，今天投{t}。",
            "{s}的预言家我认，跟着出{t}。",
            "我站{s}，今天出{t}。",
            "{s}是我心里的真预言家，{t}该走了。",
            "我认{s}，{t}{n}就是狼，出他。",
        ),
    ),
    "side_seer": (
        (
            "between the two seer claims, I side with {s}: {x}.",
            "I believe {s}, because {x}.",
            "of the seer claims, {s} is the one that holds up: {x}.",
        ),
        (
            "两个预言家我站{s}：{x}。",
            "我站边{s}，因为{x}。",
            "对跳的预言家里我认{s}：{x}。",
        ),
    ),
    "doubt_seer": (
        (
            "I don't buy {s}'s claim.",
            "{n} at {s} as seer doesn't convince me.",
            "something about {n}'s claim at {s} is off.",
            "{s} ({n}) is not the seer, in my view.",
        ),
        (
            "我不认{s}这个预言家。",
            "{s}{n}的预言家身份我不太信。",
            "{n}（{s}）这个预言家有问题。",
            "{s}在我这里是悍跳，{n}别装了。",
        ),
    ),
    "no_info": (
        (
            "I have nothing solid yet, so I'll listen and watch the votes.",
            "there's not much to go on, so let's hear everyone before we vote.",
            "I have no strong reads so far, but wolves slip eventually.",
            "it's too early for me to call anyone, and I'll judge by the votes.",
            "I'm still making up my mind, and the vote will tell me more than the talk.",
            "nothing stands out to me yet, {n} included.",
            "I'll hold my vote until I hear the claims.",
            "so far it's all hunches, and I want facts before I vote.",
            "I'm not ready to point at anyone, so convince me.",
            "let the seer speak first, and I'll follow the evidence.",
            "I'd rather not throw a random vote, so give me something.",
        ),
        (
            "我暂时没有什么信息，先听听大家怎么说。",
            "没有太多信息，先看投票。",
            "狼人迟早会露出马脚，我先观察。",
            "现在下结论太早，我看票型说话。",
            "我还没有想好，投票比发言更能说明问题。",
            "暂时没有谁让我觉得特别可疑。",
            "先不站边，等预言家的信息。",
            "现在都是感觉，我要证据再投。",
            "我还不想点人，说服我。",
            "等预言家发言，我跟着证据走。",
            "开局比较安静，我看谁在带节奏。",
            "不想乱投，大家多给点信息。",
        ),
    ),
    "good_card": (
        (
            "for the record, I'm good.",
            "I'm on the village's side, whatever happens.",
            "I'm a good player, check me if you like.",
            "whatever you decide, I'm with the village.",
            "I'm good, and I vote with my head.",
        ),
        (
            "我是好人，这点先说清楚。",
            "我是好人牌，大家可以放心。",
            "我是好人，可以验我。",
            "不管怎样我都站好人这边。",
            "我是好人，我会理性投票。",
        ),
    ),
    "villager_accused": (
        (
            "I'm a villager, and {s} just called me a wolf, which makes {s} a liar — a wolf.",
            "{s} is lying about me: I'm a villager, and {s} is the fake seer.",
            "a wolf report on me is nonsense: I'm a plain villager, so {s} is faking the seer.",
        ),
        (
            "我是村民，{s}给我发查杀，那{s}就是悍跳的狼。",
            "{s}在污我，我是平民，{s}是假预言家。",
            "我是民，{s}的查杀是假的，他悍跳。",
        ),
    ),
    "villager_claim": (
        (
            "I'm a villager, nothing more.",
            "I'm a plain villager here.",
            "I'm a villager and I've hidden nothing.",
        ),
        ("我是村民，就是一张民牌。", "我是平民，没有技能。", "我是村民，身份干净。"),
    ),
    "defend": (
        (
            "I'm not a wolf, and voting me out wastes the village's day.",
            "you have the wrong person, I'm good.",
            "look at the votes, not at me, because I'm on your side.",
        ),
        (
            "我是好人，出我是浪费好人的轮次。",
            "我不是狼，大家不要投错了。",
            "我站边好人，请看票型而不是针对我。",
        ),
    ),
    "hunter_claim": (
        (
            "I'm the hunter, so if you exile this seat I take someone with me — probably {t}.",
            "careful: I am the hunter, and if I go, {t} comes along.",
            "I'm the hunter, and if the vote lands on this seat my shot goes to {t}.",
        ),
        (
            "我是猎人，出我我会带走{t}。",
            "我是猎人，别投我，真出了我就开枪带{t}。",
            "我是猎人，枪口对着{t}。",
        ),
    ),
    "hunter_leaving": (
        (
            "I'm the hunter, and I'm taking {t} with me.",
            "hunter here, you exiled the wrong one, and my shot goes to {t}.",
            "I am the hunter, and my gun points at {t}.",
        ),
        ("我是猎人，我带走{t}。", "我是猎人，你们出错了，我开枪带{t}。", "我是猎人，枪给{t}。"),
    ),
    "hunter_holding": (
        (
            "I'm the hunter, but I'm sure of nobody, so I hold my fire.",
            "hunter here, and I won't shoot blind: my gun stays down.",
            "I am the hunter, and with nobody certain I keep my bullet.",
        ),
        (
            "我是猎人，但我谁都没把握，这枪不开。",
            "我是猎人，不确定谁是狼，我不开枪。",
            "我是猎人，枪我收着，不乱带人。",
        ),
    ),
    "witch_claim": (
        ("I'm the witch, and {x}", "witch here: {x}", "I am the witch: {x}"),
        ("我是女巫，{x}", "我是女巫，{x}", "我跳女巫，{x}"),
    ),
    "witch_saved": (
        (
            "I saved {t} on the first night.",
            "my antidote went to {t}.",
            "I saved {t}, so {t} is my silver water and good.",
        ),
        ("第一晚我救了{t}。", "我的解药给了{t}。", "{t}是我的银水。"),
    ),
    "witch_none": (
        ("my potions did what they could.", "I used what I had.", "I've kept my potions close."),
        ("药已经尽力用了。", "能用的药都用了。", "我的药还在手里。"),
    ),
    "pk": (
        (
            "one more time, I'm good, so vote {t} instead.",
            "it's me or {t}, and I'm good, so it's {t}.",
            "don't waste the vote on me: {t} is the one.",
        ),
        (
            "再说一次，我是好人，请投{t}。",
            "我和{t}之间，我是好人，请投{t}。",
            "别把票浪费在我身上，该出的是{t}。",
        ),
    ),
    "last_words": (
        (
            "my last words: watch {t}.",
            "goodbye, I suspect {t}, so don't let them slide.",
            "I'm out, so look hard at {t}.",
            "before I go: {t} is where I'd look.",
            "my last words: {n} at {t} is the one to watch.",
            "remember this: {t} was too comfortable all game.",
            "last thing: don't trust {t}.",
            "I'd put tomorrow's first vote on {t}.",
        ),
        (
            "遗言：大家注意{t}。",
            "我走了，我怀疑{t}，别放过。",
            "出局了，请重点看{t}。",
            "最后说一句，{t}有问题。",
            "遗言：{t}{n}有问题。",
            "记住，{t}整局都太舒服了。",
            "最后一句：别信{t}。",
            "明天第一票投{t}。",
        ),
    ),
    "last_words_none": (
        (
            "nothing to add, so good luck, village.",
            "goodbye, and vote carefully.",
            "I'm done, so trust the votes.",
            "I leave without a read, so watch the votes.",
            "no clue from me, sorry, so look at who voted with whom.",
            "that's it for me, village, keep your heads.",
            "I go quietly, so count the votes tomorrow.",
        ),
        (
            "没有什么要说的，好人加油。",
            "我走了，大家谨慎投票。",
            "好人加油，看票型。",
            "我没什么信息，看票型吧。",
            "我走了，注意谁跟谁投票。",
            "好人别乱，稳住。",
            "我安静离场，明天看票。",
        ),
    ),
    "wolf_chat_kill": (
        (
            "let's kill {t} tonight{x}.",
            "I say we take {t}{x}.",
            "target {t}{x}.",
            "kill {t}{x}.",
            "take {t} tonight{x}.",
            "let's take {t} ({n}){x}.",
            "{n} must go: kill {t}{x}.",
            "I want {n} gone: kill {t}{x}.",
        ),
        (
            "今晚刀{t}{x}。",
            "我建议刀{t}{x}。",
            "刀{t}吧{x}。",
            "这轮刀{t}{x}。",
            "今晚先刀{t}{x}。",
            "刀{t}{n}{x}。",
            "今晚带走{n}，刀{t}{x}。",
            "{n}必须走，刀{t}{x}。",
        ),
    ),
    "wolf_chat_agree": (
        (
            "agreed, kill {t}.",
            "fine by me: kill {t}.",
            "yes, take {t}.",
            "kill {t}, I'm in.",
            "kill {t}, then.",
            "agreed, kill {t}: {n} goes tonight.",
            "{n} it is: kill {t}.",
            "good call on {n}, kill {t}.",
            "kill {t}, no objection.",
            "works for me, kill {t}.",
            "same pick here: kill {t}.",
        ),
        (
            "同意，刀{t}。",
            "可以，刀{t}。",
            "跟，刀{t}。",
            "没问题，刀{t}。",
            "就刀{t}。",
            "同意刀{t}{n}。",
            "{n}今晚走，刀{t}。",
            "{n}我赞成，刀{t}。",
            "刀{t}，没意见。",
            "行，刀{t}。",
            "我也想刀{t}。",
        ),
    ),
    "wolf_chat_fake": (
        (
            "tomorrow I'll claim seer and point at a villager.",
            "I'll claim seer tomorrow to muddy the water.",
            "I'll claim seer in the day and fight the real one.",
        ),
        (
            "明天我来悍跳预言家，给好人发查杀。",
            "明天我跳预言家搅局。",
            "明天我悍跳，和真预言家对跳。",
        ),
    ),
    "wolf_chat_faker": (
        (
            "{t} claims seer tomorrow, and the rest of us back them.",
            "the plan: {t} will claim seer in the day, and we stand behind that claim.",
            "{n} at {t} claims seer at dawn, so give them your support.",
        ),
        (
            "{t}明天悍跳，我们其他人站边。",
            "明天让{t}跳预言家，大家配合。",
            "让{n}来，{t}明天悍跳，我们帮他站边。",
        ),
    ),
    "wolf_chat_note": (
        (
            "in the day vote we lean on {t}, but don't all vote together.",
            "in the day, push {t} and spread a vote or two so it doesn't look planned.",
            "tomorrow we go for {t}, without voting as a block.",
        ),
        ("白天我们推{t}，票别太整齐。", "白天票挂{t}，有人分一票。", "明天出{t}，注意分票。"),
    ),
    "wolf_chat_daogou": (
        (
            "if they come for me, vote me with them, it makes you look clean.",
            "if I get reported, one of you vote against me too, trust is worth a wolf.",
        ),
        ("我要是被查杀，你们可以倒钩投我，做高身份。", "我被踩的话你们倒钩，别保我。"),
    ),
    "wolf_chat_tail": (
        (
            "{n} talks too well for a villager.",
            "with {n} gone, their side loses a voice.",
            "tomorrow I'll stay quiet and follow the crowd.",
            "I'll act surprised at dawn.",
            "if {n} is a god, even better.",
            "don't defend each other too hard tomorrow.",
            "watch for the seer, and whoever claims, we answer.",
            "I'll throw a vote somewhere odd tomorrow to look independent.",
            "{n} had sharp eyes on us today.",
            "keep the story simple tomorrow.",
            "{n} would have been trouble in the day.",
        ),
        (
            "{n}太会说了，不像平民。",
            "{n}走了，好人少一个声音。",
            "明天我少说话，跟着大流。",
            "天亮我装一下惊讶。",
            "{n}要是神就更好了。",
            "明天别互相保得太明显。",
            "注意预言家，谁跳我们就对付谁。",
            "明天我分一票出去，显得独立。",
            "{n}今天一直盯着我们。",
            "明天说法简单点，别露馅。",
            "{n}白天会是个麻烦。",
        ),
    ),
    "wolf_chat_none": (
        ("nobody is worth the risk tonight.", "let's hold off tonight."),
        ("今晚先不刀了。", "这轮空刀吧。"),
    ),
    "remark_fair": (
        (
            "{n} at {t} made a fair point.",
            "I agree with much of what {n} said.",
            "{n} ({t}) sounded honest to me.",
            "{n}'s speech at {t} was clear, and I lean good on them.",
            "{n} at {t} reasoned well, and I lean good on them.",
        ),
        (
            "{t}{n}说得有道理。",
            "{n}的发言我比较认可。",
            "{t}{n}听起来像好人。",
            "{n}（{t}）逻辑清楚，我偏向他是好人。",
            "{n}的思路清楚，{t}我先放一放。",
        ),
    ),
    "remark_doubt": (
        (
            "I didn't like how {n} at {t} dodged.",
            "{n} said a lot and nothing, and {t} is on my list.",
            "{n} ({t}) rushed to a conclusion, and that bothers me.",
            "{n} at {t} sounded rehearsed.",
        ),
        (
            "{t}{n}的发言在划水。",
            "{n}说了很多但没有内容，{t}我记下了。",
            "{t}{n}急着下结论，我不舒服。",
            "{n}（{t}）的发言像背好的。",
        ),
    ),
}

# Clauses that open a sentence with this game's own facts: the night's deaths, where the
# seat speaks and after whom, the seat's temperament, whom a wolf addresses. ``join``
# puts one or two before a speech's first sentence, a connective before the later ones.
LEADS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dead": (
        (
            "with {n} at {t} dead this morning",
            "now that {n} ({t}) is gone",
            "after losing {n} at {t} overnight",
            "since the wolves went for {n} at {t}",
            "with {t} killed in the night",
            "seeing {n} taken in the night",
            "with {n} gone from {t}",
            "given that the wolves chose {n} at {t}",
        ),
        (
            "昨晚{t}{n}倒牌",
            "{n}（{t}）昨夜被刀",
            "天亮{t}{n}没了",
            "刀口落在{t}{n}身上",
            "{t}{n}昨晚出局了",
            "狼人昨晚刀了{t}{n}",
            "看{t}{n}这个刀口",
            "{n}昨晚走了",
        ),
    ),
    "dead_many": (
        (
            "with {t} both dead overnight",
            "after a double-death night that took {t}",
            "now that {t} are gone",
            "since {t} both died, one of them poisoned",
        ),
        ("昨晚{t}双死", "双死夜带走了{t}", "{t}一起倒牌，女巫开了毒", "昨晚{t}都出局了"),
    ),
    "peace": (
        (
            "after a peaceful night",
            "with nobody dead this morning",
            "since the witch clearly saved someone last night",
            "after a night with no deaths",
            "with the whole table still alive",
            "as the wolves' kill was saved",
            "with no death to read",
            "since everyone woke up",
            "now that the witch has likely spent her antidote",
        ),
        (
            "昨晚平安夜",
            "平安夜过后",
            "女巫昨晚开了解药",
            "今早一个不少",
            "刀口被救了",
            "昨晚没人倒牌",
            "场上有个银水",
            "平安夜信息少",
            "解药大概已经交了",
        ),
    ),
    "first": (
        (
            "speaking first from {t}",
            "{n} at {t}, first to speak",
            "opening the round from {t}",
            "{t} here, speaking first",
            "as the first to speak, from {t}",
            "from {t}, at the head of the order",
        ),
        (
            "{t}玩家首置位发言",
            "我是{t}，第一个发言",
            "{t}{n}前置位，没什么信息",
            "{t}先开个头",
            "{t}首置位",
        ),
    ),
    "after": (
        (
            "after {n}'s speech",
            "having heard {n} at {t}",
            "following {n}",
            "speaking right after {n} ({t})",
            "after listening to {n}",
            "now that {n} has spoken",
        ),
        ("听完{t}{n}的发言", "接着{n}说", "{n}说完了轮到我", "在{t}{n}之后发言", "{n}刚才讲完"),
    ),
    "late": (
        (
            "speaking late, after {n} and {m}",
            "from the back of the order, having heard {n} and {m}",
            "with {n} and {m} already heard",
            "late in the order, after {n}, {m} and the rest",
        ),
        ("后置位，{n}和{m}都听过了", "我在后置位，前面{n}、{m}都说了", "后置位发言，听了{n}和{m}"),
    ),
    "bold": (
        ("to be blunt", "plainly", "let me be direct", "no hedging", "straight out"),
        ("直说吧", "我说话直", "不绕弯子", "明说"),
    ),
    "cautious": (
        (
            "carefully",
            "with some caution",
            "if I'm honest",
            "without rushing",
            "for what it's worth",
        ),
        ("谨慎一点说", "我不想太武断", "保守地讲", "说句稳妥的"),
    ),
    "talk": (
        ("let me lay it out", "here's how I see it", "bear with me"),
        ("我多说几句", "我展开讲讲", "我把思路捋一下"),
    ),
    "quiet": (
        ("briefly", "in short", "quickly"),
        ("简单说", "长话短说", "我少说两句"),
    ),
    "more": (
        ("also", "plus", "one more thing", "besides", "on top of that", "then", "either way"),
        ("另外", "还有", "再说一点", "顺便说", "其次", "然后"),
    ),
    "mate": (
        ("{n}, listen", "{n}, here's my thought", "okay {n}", "right, {n}", "{n}, my view"),
        ("{n}，听我说", "{n}，我的想法是", "好，{n}", "{n}你看", "{n}，这样"),
    ),
    "first_night": (
        ("for the first night", "to open the game", "on night one"),
        ("首夜", "第一晚", "开局这一刀"),
    ),
}

REASONS: dict[str, tuple[str, str]] = {
    "reported": (" — {s} reported them as a wolf", "，{s}报了查杀"),
    "voted_seer": (" — they voted against the seer", "，他投了预言家"),
    "with_wolf": (" — they voted alongside a reported wolf", "，他和查杀站在一起投票"),
    "accused_seer": (" — they attack the seer", "，他在踩预言家"),
    "counter": (" — a second seer claim is a lie", "，两个预言家必有一假"),
    "gut": ("", ""),
    "claimed_seer": (", they claimed seer", "，他跳了预言家"),
    "claimed_witch": (", they claimed witch", "，他跳了女巫"),
    "gold": (", the seer vouched for them", "，他是预言家的金水"),
    "influential": (", they keep voting against us", "，他一直在投我们"),
    "quiet": ("", ""),
    "quiet_seat": (" — they've said very little of substance", "，他一直在划水"),
}


# A decision's random source for its words, apart from the one for its play: how many
# phrasings a line has, or which one is picked, never moves a draw that decides play (an
# edit of the words changes the game only where the claim parser reads them differently).
class _Words(random.Random):
    """A words' source (its own words' source)."""


# (A value must not refer to its key: the entry, and both sources, would live for ever:
# ~200 KiB per finished game in a server, seen in bench/memory_bench.py.)
_WORDS: WeakKeyDictionary[random.Random, _Words] = WeakKeyDictionary()


def words(rng: random.Random) -> random.Random:
    """The words' random source of the decision whose play draws from ``rng``: made from
    one draw of ``rng`` at the first word the decision says, then kept while ``rng`` is."""
    if isinstance(rng, _Words):
        return rng
    w = _WORDS.get(rng)
    if w is None:
        w = _WORDS[rng] = _Words(rng.getrandbits(64))
    return w


def say(key: str, lang: str, rng: random.Random, **fields: object) -> str:
    """One phrasing of ``key``, picked by the words' source (:func:`words`) of ``rng``, its
    fields filled in."""
    en, zh = LINES[key]
    return words(rng).choice(zh if lang == "zh" else en).format(**fields)


def lead(key: str, lang: str, rng: random.Random, seat: bool = False, **fields: object) -> str:
    """One phrasing of the opening clause ``key`` (``LEADS``), its fields filled in; with
    ``seat``, one that names the seat ({t}) if ``key`` has any."""
    en, zh = LEADS[key]
    phrasings = zh if lang == "zh" else en
    if seat:
        phrasings = tuple(p for p in phrasings if "{t}" in p) or phrasings
    return words(rng).choice(phrasings).format(**fields)


def lead_phrasings(key: str, lang: str) -> tuple[str, ...]:
    """Every phrasing of the opening clause ``key`` in ``lang``."""
    en, zh = LEADS[key]
    return zh if lang == "zh" else en


def reason(key: str, lang: str, **fields: object) -> str:
    en, zh = REASONS[key]
    return (zh if lang == "zh" else en).format(**fields)


def seat_word(n: int, lang: str) -> str:
    return f"{n}号" if lang == "zh" else f"seat {n}"


def seats_words(seats: list[int], lang: str) -> str:
    """Seats as words: "seat 3 and seat 5" / "3号和5号" (the verb after it is plural)."""
    words = [seat_word(s, lang) for s in seats]
    if lang == "zh":
        return "、".join(words[:-1]) + "和" + words[-1] if len(words) > 1 else words[0]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def results_text(checks: dict[int, bool], lang: str) -> str:
    """Check results in the parser's shapes: "seat 5 is a wolf, seat 3 is good"."""
    if lang == "zh":
        return "，".join(f"{t}号{'是狼' if w else '金水'}" for t, w in checks.items())
    return ", ".join(f"seat {t} is {'a wolf' if w else 'good'}" for t, w in checks.items())


# -- words for the bots' thoughts ----------------------------------------------------------


def tr(lang: str, en: str, zh: str) -> str:
    """``zh`` in a Chinese game, else ``en``."""
    return zh if lang == "zh" else en


def checks_text(checks: dict[int, bool], lang: str) -> str:
    """Check results in short: "5 wolf, 3 good" / "5号查杀、3号金水"."""
    if not checks:
        return tr(lang, "none", "无")
    if lang == "zh":
        return "、".join(f"{t}号{'查杀' if w else '金水'}" for t, w in checks.items())
    return ", ".join(f"{t} {'wolf' if w else 'good'}" for t, w in checks.items())


def seats_text(seats: list[int], lang: str) -> str:
    return ("、".join(f"{s}号" for s in seats)) if lang == "zh" else ", ".join(map(str, seats))
