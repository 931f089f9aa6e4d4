"""Small stop-word lists for Russian and English, applied to lemmas (and word forms) on both the indexing and the
query side, so that a phrase keeps its adjacency after they are dropped. Kept short on purpose: only function
words that carry no meaning in a search for local-government practices."""

_RUSSIAN = """
    а без более бы был быть в вам вас весь во вот все всего всех вы где да даже для до его ее если есть еще же за
    здесь и из или им их к как ко когда кто ли либо мне много может мой мы на над надо наш не него нее нет ни
    них но ну о об однако он она они оно от очень по под после при про с сам свой себя со так также такой там те
    тем то тоже только том тот у уже хотя чего чей чем что чтобы эта эти это этот я
"""

_ENGLISH = """
    a about above after again all am an and any are as at be been before being below between both but by can
    could did do does doing down during each few for from further had has have having he her here hers herself
    him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves
"""

RUSSIAN = frozenset(_RUSSIAN.split())
ENGLISH = frozenset(_ENGLISH.split())
BY_LANGUAGE: dict[str, frozenset[str]] = {"ru": RUSSIAN, "en": ENGLISH}
