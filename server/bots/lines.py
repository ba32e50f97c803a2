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

# situation -> (English phrasings, Chinese phrasings). Fields: {t} a target seat
# ("seat 5" / "5号"), {s} a seer-claim seat, {n} a name, {r} a list of results,
# {x} an extra clause.
LINES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "open_dead": (
        (
            "We lost {t} last night.",
            "{t} didn't make it through the night.",
            "So {t} is gone.",
            "Another night, and {t} is dead.",
            "The wolves took {t}.",
            "{t} was killed in the night; that tells us something.",
            "Morning, and {t} is out. Let's make it count.",
        ),
        (
            "昨晚{t}倒了。",
            "昨夜{t}出局。",
            "{t}昨晚被刀了。",
            "天亮了，{t}没了。",
            "狼人昨晚刀了{t}。",
            "{t}倒牌了，这个刀口值得想想。",
        ),
    ),
    "open_dead_many": (
        (
            "We lost {t} last night; two deaths means the witch used her poison.",
            "{t} are both dead: a double-death night.",
            "Two down overnight: {t}.",
            "{t} both died in the night. One of them was poisoned.",
        ),
        (
            "昨晚{t}双死，女巫开毒了。",
            "双死夜，{t}都出局了。",
            "{t}昨晚一起倒了，有一个是被毒的。",
        ),
    ),
    "open_peace": (
        (
            "A peaceful night. Someone was saved, or the wolves held back.",
            "Nobody died last night.",
            "Quiet night; the witch must have been busy.",
            "No deaths overnight. The witch's antidote is probably gone.",
            "We all woke up. Good, but it means the witch has spent her save.",
        ),
        (
            "昨晚是平安夜。",
            "平安夜，女巫应该用了解药。",
            "昨晚没人出局。",
            "平安夜，刀口被救了，有一个银水在场上。",
            "大家都活着，女巫的解药大概已经交了。",
        ),
    ),
    "position_first": (
        (
            "I speak early, so I have little to go on.",
            "Speaking first is hard; I'll keep it short.",
            "Front position, so take this as a first impression.",
        ),
        (
            "我前置位发言，信息不多。",
            "首置位没什么信息，简单说两句。",
            "前置位先聊聊我的想法。",
        ),
    ),
    "position_late": (
        (
            "Speaking late, I've heard most of you.",
            "From the back of the order, here is what I heard.",
            "Late position, so let me sum up.",
        ),
        (
            "我后置位，前面的发言都听到了。",
            "后置位发言，总结一下。",
            "我在后置位，信息比较多。",
        ),
    ),
    "seer_claim_wolf": (
        (
            "I'm the seer. Last night I checked {t}: {t} is a wolf.",
            "Time to come out: I am the seer, and {t} is a wolf. I checked them.",
            "I'm the seer. My check says {t} is a werewolf.",
            "Listen carefully, I am the seer. {t} is a wolf, no doubt about it.",
            "I am the seer and I found a wolf: {t} is a wolf.",
        ),
        (
            "我是预言家，昨晚查验了{t}，{t}是狼。",
            "我跳预言家，{t}查杀。",
            "我是预言家，我验了{t}，{t}是狼人，别犹豫。",
            "我是预言家，{t}查杀，今天必须出他。",
            "我是预言家，昨晚摸到狼了，{t}是狼。",
        ),
    ),
    "seer_claim_good": (
        (
            "I'm the seer. I checked {t}: {t} is good.",
            "I am the seer; {t} is good, I checked them.",
            "I'm the seer. No wolf yet, but {t} is good.",
            "I'll claim now: I'm the seer, and {t} is good.",
            "I am the seer. Last night's check: {t} is good.",
        ),
        (
            "我是预言家，{t}金水。",
            "我是预言家，昨晚验了{t}，{t}是好人。",
            "我跳预言家，{t}是金水，还没验到狼。",
            "我是预言家，给{t}发金水。",
            "我是预言家，昨晚的查验：{t}是金水。",
        ),
    ),
    "seer_report": (
        (
            "I'm the seer, and my checks so far: {r}.",
            "I am the seer. My results: {r}.",
            "I'm the seer; here is everything I know: {r}.",
            "I am the seer. For the record: {r}.",
        ),
        (
            "我是预言家，目前的验人结果：{r}。",
            "我是预言家，我的查验：{r}。",
            "我是预言家，报一下查验：{r}。",
            "我是预言家，所有验人信息：{r}。",
        ),
    ),
    "seer_counter": (
        (
            "{t} claims seer, but I am the real seer. {t} is lying, and liars here are wolves.",
            "Don't believe {t}. I'm the seer, so {t} must be a wolf.",
            "There is only one seer and it's me; {t} is a fake.",
            "{t} is counter-claiming me. Only a wolf fakes the seer.",
        ),
        (
            "{t}跳预言家是假的，我才是真预言家。",
            "{t}悍跳，我才是预言家，大家别被骗了。",
            "预言家只有一个，就是我，{t}是假的。",
            "我和{t}对跳，{t}是悍跳的狼。",
        ),
    ),
    "badge_flow": (
        (
            "If I die tonight, my next checks were seat {a}, then seat {b}.",
            "My plan: I check seat {a} tonight, then seat {b}. Hold me to it.",
            "Next I check seat {a}, then seat {b}; if I fall, push them.",
        ),
        (
            "警徽流：今晚验{a}号，明晚验{b}号。",
            "我的警徽流是先{a}号后{b}号。",
            "留个警徽流，{a}号、{b}号，我倒了大家照着查。",
        ),
    ),
    "vote_call": (
        (
            "Vote {t} today.",
            "Everyone, put your vote on {t}.",
            "{t} goes out today.",
            "Let's consolidate on {t}.",
            "All votes on {t}, please.",
        ),
        ("今天出{t}。", "大家把票投给{t}。", "今天请投{t}。", "归票{t}。", "我归票，票都挂{t}。"),
    ),
    "suspect": (
        (
            "I find {t} suspicious{x}.",
            "My eye is on {t}{x}.",
            "{t} ({n}) worries me{x}.",
            "If I had to vote now, I'd vote {t}{x}.",
            "I suspect {t}{x}.",
            "{n} at {t} is the one I'd look at{x}.",
            "Honestly, {t} reads wolf to me{x}.",
        ),
        (
            "我觉得{t}比较可疑{x}。",
            "我重点怀疑{t}{x}。",
            "{t}（{n}）的表现让我不太放心{x}。",
            "现在要投的话我会投{t}{x}。",
            "我踩{t}{x}。",
            "{t}{n}在我这里是狼面{x}。",
            "我点{t}一下{x}。",
        ),
    ),
    "gut": (
        (
            "Nothing solid, but {t} feels off to me.",
            "Just a hunch: keep an eye on {t}.",
            "I can't prove anything yet, but {n} at {t} seems too relaxed.",
            "Gut feeling only: {t}.",
            "{n} ({t}) hasn't said much of substance; I'd like to hear more from them.",
            "Nobody has given much away. {t} is my weak lean for now.",
        ),
        (
            "没什么证据，但{t}给我的感觉不太对。",
            "只是直觉，大家留意一下{t}。",
            "暂时说不出理由，{t}（{n}）有点太淡定了。",
            "纯靠感觉：{t}。",
            "{t}{n}有点划水，想多听听他怎么说。",
            "信息太少，我先轻踩{t}。",
        ),
    ),
    "follow_seer": (
        (
            "I believe {s}'s seer claim. Let's vote out {t}.",
            "{s} is our seer as far as I can tell; vote {t}.",
            "I trust {s}. {t} has to go.",
            "I'm with {s} on this one: {t} goes out.",
        ),
        (
            "我相信{s}是真预言家，今天投{t}。",
            "{s}的预言家我认，跟着出{t}。",
            "我站{s}，今天出{t}。",
            "{s}是我心里的真预言家，{t}该走了。",
        ),
    ),
    "side_seer": (
        (
            "Between the two seer claims, I side with {s}: {x}.",
            "I believe {s}, because {x}.",
            "Of the seer claims, {s} is the one that holds up: {x}.",
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
            "{s} as seer doesn't convince me.",
            "Something about {s}'s claim is off.",
            "{s} is not the seer, in my view.",
        ),
        (
            "我不认{s}这个预言家。",
            "{s}的预言家身份我不太信。",
            "{s}这个预言家有问题。",
            "{s}在我这里是悍跳。",
        ),
    ),
    "no_info": (
        (
            "I have nothing solid yet. I'll listen and watch the votes.",
            "Not much to go on. Let's hear everyone before we vote.",
            "No strong reads so far. Wolves, you'll slip eventually.",
            "Too early for me to call anyone. I'll judge by the votes.",
            "I'm still making up my mind; the vote will tell me more than the talk.",
            "Nothing stands out to me yet, {n} included.",
        ),
        (
            "我暂时没有什么信息，先听听大家怎么说。",
            "没有太多信息，先看投票。",
            "狼人迟早会露出马脚，我先观察。",
            "现在下结论太早，我看票型说话。",
            "我还没有想好，投票比发言更能说明问题。",
            "暂时没有谁让我觉得特别可疑。",
        ),
    ),
    "good_card": (
        (
            "For the record, I'm good.",
            "I'm on the village's side, whatever happens.",
            "I'm a good player; check me if you like.",
        ),
        ("我是好人，这点先说清楚。", "我是好人牌，大家可以放心。", "我是好人，可以验我。"),
    ),
    "villager_accused": (
        (
            "I'm a villager, and {s} just called me a wolf. That makes {s} a liar — a wolf.",
            "{s} is lying about me. I'm a villager; {s} is the fake seer.",
            "A wolf report on me? I'm a plain villager, so {s} is faking the seer.",
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
            "Plain villager here.",
            "I'm a villager and I've hidden nothing.",
        ),
        ("我是村民，就是一张民牌。", "我是平民，没有技能。", "我是村民，身份干净。"),
    ),
    "defend": (
        (
            "I'm not a wolf. Voting me out wastes the village's day.",
            "You have the wrong person. I'm good.",
            "Look at the votes, not at me. I'm on your side.",
        ),
        (
            "我是好人，出我是浪费好人的轮次。",
            "我不是狼，大家不要投错了。",
            "我站边好人，请看票型而不是针对我。",
        ),
    ),
    "hunter_claim": (
        (
            "I'm the hunter. Exile me and I take someone with me — probably {t}.",
            "Careful: I am the hunter. If I go, {t} comes along.",
            "I'm the hunter; vote me and my shot goes to {t}.",
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
            "Hunter here. You exiled the wrong one; my shot goes to {t}.",
            "I am the hunter. My gun points at {t}.",
        ),
        ("我是猎人，我带走{t}。", "我是猎人，你们出错了，我开枪带{t}。", "我是猎人，枪给{t}。"),
    ),
    "witch_claim": (
        ("I'm the witch. {x}", "Witch here. {x}", "I am the witch. {x}"),
        ("我是女巫。{x}", "我是女巫，{x}", "我跳女巫，{x}"),
    ),
    "witch_saved": (
        (
            "I saved {t} on the first night.",
            "My antidote went to {t}.",
            "I saved {t}, so {t} is my silver water and good.",
        ),
        ("第一晚我救了{t}。", "我的解药给了{t}。", "{t}是我的银水。"),
    ),
    "witch_none": (
        ("My potions did what they could.", "I used what I had.", "I've kept my potions close."),
        ("药已经尽力用了。", "能用的药都用了。", "我的药还在手里。"),
    ),
    "pk": (
        (
            "One more time: I'm good. Vote {t} instead.",
            "It's me or {t}. I'm good, so it's {t}.",
            "Don't waste the vote on me; {t} is the one.",
        ),
        (
            "再说一次，我是好人，请投{t}。",
            "我和{t}之间，我是好人，请投{t}。",
            "别把票浪费在我身上，该出的是{t}。",
        ),
    ),
    "last_words": (
        (
            "My last words: watch {t}.",
            "Goodbye. I suspect {t}; don't let them slide.",
            "I'm out. Look hard at {t}.",
            "Before I go: {t} is where I'd look.",
        ),
        (
            "遗言：大家注意{t}。",
            "我走了，我怀疑{t}，别放过。",
            "出局了，请重点看{t}。",
            "最后说一句，{t}有问题。",
        ),
    ),
    "last_words_none": (
        (
            "Nothing to add. Good luck, village.",
            "Goodbye, and vote carefully.",
            "I'm done. Trust the votes.",
        ),
        ("没有什么要说的，好人加油。", "我走了，大家谨慎投票。", "好人加油，看票型。"),
    ),
    "wolf_chat_kill": (
        (
            "Let's kill {t} tonight{x}.",
            "I say we take {t}{x}.",
            "Target {t}{x}.",
            "Kill {t}{x}.",
            "Take {t} tonight{x}.",
        ),
        (
            "今晚刀{t}{x}。",
            "我建议刀{t}{x}。",
            "刀{t}吧{x}。",
            "这轮刀{t}{x}。",
            "今晚先刀{t}{x}。",
        ),
    ),
    "wolf_chat_agree": (
        (
            "Agreed, kill {t}.",
            "Fine by me: kill {t}.",
            "Yes, take {t}.",
            "Kill {t}, I'm in.",
            "Kill {t}, then.",
        ),
        ("同意，刀{t}。", "可以，刀{t}。", "跟，刀{t}。", "没问题，刀{t}。", "就刀{t}。"),
    ),
    "wolf_chat_fake": (
        (
            "Tomorrow I'll claim seer and point at a villager.",
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
            "{t} claims seer tomorrow; the rest of us back them.",
            "Plan: {t} will claim seer in the day, and we stand behind that claim.",
        ),
        ("{t}明天悍跳，我们其他人站边。", "明天让{t}跳预言家，大家配合。"),
    ),
    "wolf_chat_note": (
        (
            "Day vote: we lean on {t}, but don't all vote together.",
            "In the day, push {t}; spread a vote or two so it doesn't look planned.",
            "Tomorrow we go for {t}, without voting as a block.",
        ),
        ("白天我们推{t}，票别太整齐。", "白天票挂{t}，有人分一票。", "明天出{t}，注意分票。"),
    ),
    "wolf_chat_daogou": (
        (
            "If they come for me, vote me with them; it makes you look clean.",
            "If I get reported, one of you vote me out too. Trust is worth a wolf.",
        ),
        ("我要是被查杀，你们可以倒钩投我，做高身份。", "我被踩的话你们倒钩，别保我。"),
    ),
    "wolf_chat_tail": (
        (
            "{n} talks too well for a villager.",
            "With {n} gone, their side loses a voice.",
            "Tomorrow I'll stay quiet and follow the crowd.",
            "I'll act surprised at dawn.",
            "If {n} is a god, even better.",
            "Don't defend each other too hard tomorrow.",
            "Watch for the seer; whoever claims, we answer.",
            "I'll throw a vote somewhere odd tomorrow to look independent.",
            "{n} had sharp eyes on us today.",
            "Keep the story simple tomorrow.",
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
        ),
    ),
    "wolf_chat_none": (
        ("Nobody worth the risk tonight.", "Let's hold off tonight."),
        ("今晚先不刀了。", "这轮空刀吧。"),
    ),
}

# Phrasings that name the seat's player too ({n}): a game's names are its own, so these
# sentences rarely repeat from one game to the next.
NAMED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "open_dead": (
        ("{n} at {t} was killed last night.", "Rest well, {n}: {t} is dead.", "{n} ({t}) is gone."),
        ("{t}{n}昨晚倒牌了。", "{n}（{t}）昨晚被刀。", "{n}走了，{t}出局。"),
    ),
    "seer_claim_wolf": (
        (
            "I'm the seer. I checked {n} at {t} last night: {t} is a wolf.",
            "I'm the seer, and {n} won't like this: {t} is a wolf.",
        ),
        ("我是预言家，昨晚验的是{t}{n}，{t}是狼。", "我是预言家，{n}别装了，{t}查杀。"),
    ),
    "seer_claim_good": (
        (
            "I'm the seer. I checked {n} at {t}: {t} is good.",
            "I'm the seer; {n}, you're clear: {t} is good.",
        ),
        ("我是预言家，{t}{n}是金水。", "我是预言家，{n}放心，{t}金水。"),
    ),
    "seer_counter": (
        ("{n} at {t} claims seer; {n} is lying.", "{n} ({t}) is a fake seer and a wolf."),
        ("{t}{n}悍跳，他才是狼。", "{n}（{t}）是假预言家。"),
    ),
    "vote_call": (
        ("{n} at {t} must go today: vote {t}.", "Vote {t}; {n} has nowhere to hide."),
        ("今天把{t}{n}放逐，归票{t}。", "票都给{t}，{n}跑不掉。"),
    ),
    "follow_seer": (
        ("{n} at {t} is the reported wolf, and I believe {s}: vote {t}.",),
        ("我认{s}，{t}{n}就是狼，出他。",),
    ),
    "wolf_chat_kill": (
        ("Let's take {t} ({n}){x}.", "{n} must go: kill {t}{x}.", "I want {n} gone: kill {t}{x}."),
        ("刀{t}{n}{x}。", "今晚带走{n}，刀{t}{x}。", "{n}必须走，刀{t}{x}。"),
    ),
    "wolf_chat_agree": (
        (
            "Agreed, kill {t}: {n} goes tonight.",
            "{n} it is: kill {t}.",
            "Good call on {n}. Kill {t}.",
        ),
        ("同意刀{t}{n}。", "{n}今晚走，刀{t}。", "{n}我赞成，刀{t}。"),
    ),
    "last_words": (
        ("My last words: {n} at {t} is the one to watch.",),
        ("遗言：{t}{n}有问题。",),
    ),
    "suspect": (
        ("I keep coming back to {n} at {t}{x}.", "{n}, I'm looking at you: {t}{x}."),
        ("我反复想，还是{t}{n}最可疑{x}。", "{n}，我在看你，{t}{x}。"),
    ),
    "remark_fair": (
        (
            "{n} at {t} made a fair point.",
            "I agree with much of what {n} said.",
            "{n} ({t}) sounded honest to me.",
            "{n}'s speech at {t} was clear; I lean good on them.",
        ),
        (
            "{t}{n}说得有道理。",
            "{n}的发言我比较认可。",
            "{t}{n}听起来像好人。",
            "{n}（{t}）逻辑清楚，我偏向他是好人。",
        ),
    ),
    "remark_doubt": (
        (
            "I didn't like how {n} at {t} dodged.",
            "{n} said a lot and nothing; {t} is on my list.",
            "{n} ({t}) rushed to a conclusion; that bothers me.",
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
# More phrasings for what is said most often (a table hears these every game).
MORE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "no_info": (
        (
            "I'll hold my vote until I hear the claims.",
            "So far it's all hunches; I want facts before I vote.",
            "I'm not ready to point at anyone. Convince me.",
            "Let the seer speak first; I'll follow the evidence.",
            "Quiet start. I'll watch who pushes whom.",
            "I'd rather not throw a random vote. Give me something.",
        ),
        (
            "先不站边，等预言家的信息。",
            "现在都是感觉，我要证据再投。",
            "我还不想点人，说服我。",
            "等预言家发言，我跟着证据走。",
            "开局比较安静，我看谁在带节奏。",
            "不想乱投，大家多给点信息。",
        ),
    ),
    "last_words_none": (
        (
            "I leave without a read. Watch the votes.",
            "No clue from me, sorry. Look at who voted with whom.",
            "That's it for me. Village, keep your heads.",
            "I go quietly. Count the votes tomorrow.",
        ),
        (
            "我没什么信息，看票型吧。",
            "我走了，注意谁跟谁投票。",
            "好人别乱，稳住。",
            "我安静离场，明天看票。",
        ),
    ),
    "wolf_chat_agree": (
        (
            "Kill {t}; no objection.",
            "Works for me, kill {t}.",
            "Same pick here: kill {t}.",
            "Kill {t}. I'll play quiet tomorrow.",
            "Kill {t}, and tomorrow I'll look confused.",
        ),
        (
            "刀{t}，没意见。",
            "行，刀{t}。",
            "我也想刀{t}。",
            "刀{t}，明天我低调点。",
            "刀{t}，白天我装糊涂。",
        ),
    ),
    "last_words": (
        (
            "Remember this: {t} was too comfortable all game.",
            "Last thing: don't trust {t}.",
            "I'd put tomorrow's first vote on {t}.",
        ),
        ("记住，{t}整局都太舒服了。", "最后一句：别信{t}。", "明天第一票投{t}。"),
    ),
    "open_peace": (
        (
            "A night without deaths; let's use the time.",
            "Everyone is still here this morning.",
            "No one fell last night, which helps nobody's read yet.",
        ),
        ("平安夜，好好利用这一轮。", "今早一个不少。", "没人倒牌，信息还不多。"),
    ),
    "good_card": (
        ("Whatever you decide, I'm with the village.", "I'm good, and I vote with my head."),
        ("不管怎样我都站好人这边。", "我是好人，我会理性投票。"),
    ),
}
for _key, (_en, _zh) in MORE.items():
    _old_en, _old_zh = LINES[_key]
    LINES[_key] = (_old_en + _en, _old_zh + _zh)

for _key, (_en, _zh) in NAMED.items():
    _old_en, _old_zh = LINES.get(_key, ((), ()))
    LINES[_key] = (_old_en + _en, _old_zh + _zh)

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


def say(key: str, lang: str, rng: random.Random, **fields: object) -> str:
    """One phrasing of ``key``, picked with ``rng``, its fields filled in."""
    en, zh = LINES[key]
    return rng.choice(zh if lang == "zh" else en).format(**fields)


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
