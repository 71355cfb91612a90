"""Word lists for quote extraction and speaker attribution (English and French).

Everything here describes how news writing attributes speech in general: speech verbs,
titles, pronouns, nouns that name groups of speakers. Nothing is specific to any article.
"""

from __future__ import annotations

import re


def _words(s: str) -> frozenset[str]:
    """A word list written as white-space separated words."""
    return frozenset(s.split())


# --- speech verbs ---------------------------------------------------------------------

# English verbs that introduce or attribute speech (all inflections that news uses).
_EN_SPEECH_STEMS: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said"),
    "tell": ("tell", "tells", "told"),
    "add": ("add", "adds", "added"),
    "note": ("note", "notes", "noted"),
    "argue": ("argue", "argues", "argued"),
    "warn": ("warn", "warns", "warned"),
    "explain": ("explain", "explains", "explained"),
    "state": ("state", "states", "stated"),
    "claim": ("claim", "claims", "claimed"),
    "insist": ("insist", "insists", "insisted"),
    "acknowledge": ("acknowledge", "acknowledges", "acknowledged"),
    "announce": ("announce", "announces", "announced"),
    "confirm": ("confirm", "confirms", "confirmed"),
    "write": ("write", "writes", "wrote"),
    "contend": ("contend", "contends", "contended"),
    "maintain": ("maintain", "maintains", "maintained"),
    "predict": ("predict", "predicts", "predicted"),
    "suggest": ("suggest", "suggests", "suggested"),
    "stress": ("stress", "stresses", "stressed"),
    "emphasize": ("emphasize", "emphasizes", "emphasized", "emphasise", "emphasises", "emphasised"),
    "indicate": ("indicate", "indicates", "indicated"),
    "allege": ("allege", "alleges", "alleged"),
    "admit": ("admit", "admits", "admitted"),
    "testify": ("testify", "testifies", "testified"),
    "caution": ("caution", "cautions", "cautioned"),
    "recall": ("recall", "recalls", "recalled"),
    "reply": ("reply", "replies", "replied"),
    "respond": ("respond", "responds", "responded"),
    "ask": ("ask", "asks", "asked"),
    "continue": ("continue", "continues", "continued"),
    "conclude": ("conclude", "concludes", "concluded"),
    "complain": ("complain", "complains", "complained"),
    "concede": ("concede", "concedes", "conceded"),
    "assert": ("assert", "asserts", "asserted"),
    "declare": ("declare", "declares", "declared"),
    "observe": ("observe", "observes", "observed"),
    "remark": ("remark", "remarks", "remarked"),
    "recount": ("recount", "recounts", "recounted"),
    "estimate": ("estimate", "estimates", "estimated"),
    "believe": ("believe", "believes", "believed"),
    "tweet": ("tweet", "tweets", "tweeted"),
    "post": ("posts", "posted"),
    "counter": ("counter", "counters", "countered"),
    "agree": ("agree", "agrees", "agreed"),
    "reiterate": ("reiterate", "reiterates", "reiterated"),
    "report": ("report", "reports", "reported"),
    "deny": ("deny", "denies", "denied"),
    "lament": ("lament", "laments", "lamented"),
    "point": ("point out", "points out", "pointed out"),
    "vow": ("vow", "vows", "vowed"),
    "promise": ("promise", "promises", "promised"),
    "charge": ("charges", "charged"),
    "worry": ("worry", "worries", "worried"),
    "fear": ("fear", "fears", "feared"),
    "hope": ("hopes", "hoped"),
    "recommend": ("recommend", "recommends", "recommended"),
    "urge": ("urge", "urges", "urged"),
    "describe": ("describes", "described"),
    "think": ("think", "thinks", "thought"),
    "shout": ("shout", "shouts", "shouted"),
    "exclaim": ("exclaims", "exclaimed"),
    "joke": ("jokes", "joked"),
    "laugh": ("laughs", "laughed"),
    "sigh": ("sighs", "sighed"),
    "plead": ("pleads", "pleaded"),
    "demand": ("demand", "demands", "demanded"),
    "go on": ("goes on", "went on"),
    # manner of speaking ("“…,” she wailed"): these attribute direct quotes only
    "wail": ("wails", "wailed"),
    "holler": ("hollers", "hollered"),
    "yell": ("yells", "yelled"),
    "scream": ("screams", "screamed"),
    "whisper": ("whispers", "whispered"),
    "mutter": ("mutters", "muttered"),
    "murmur": ("murmurs", "murmured"),
    "quip": ("quips", "quipped"),
    "sob": ("sobs", "sobbed"),
    "cry": ("cried",),
}

# Verbs that may introduce reported speech as "X VERB (that) CLAUSE". "ask", "describe",
# "urge", "demand", "laugh" and similar only attribute direct quotes.
_EN_REPORTING_EXCLUDED = {
    "ask", "describe", "urge", "demand", "laugh", "sigh", "joke", "shout", "exclaim",
    "plead", "continue", "go on", "recount", "post", "recommend", "lament", "charge",
    "wail", "holler", "yell", "scream", "whisper", "mutter", "murmur", "quip", "sob", "cry",
}  # fmt: skip

EN_SPEECH_VERBS: frozenset[str] = frozenset(f for forms in _EN_SPEECH_STEMS.values() for f in forms)
EN_REPORTING_VERBS: frozenset[str] = frozenset(
    f
    for stem, forms in _EN_SPEECH_STEMS.items()
    if stem not in _EN_REPORTING_EXCLUDED
    for f in forms
)

# French speech verbs: present 3rd person (singular and plural) and past participle.
_FR_SPEECH: dict[str, tuple[str, ...]] = {
    "dire": ("dit", "disent", "dit"),
    "déclarer": ("déclare", "déclarent", "déclaré"),
    "affirmer": ("affirme", "affirment", "affirmé"),
    "indiquer": ("indique", "indiquent", "indiqué"),
    "souligner": ("souligne", "soulignent", "souligné"),
    "expliquer": ("explique", "expliquent", "expliqué"),
    "ajouter": ("ajoute", "ajoutent", "ajouté"),
    "préciser": ("précise", "précisent", "précisé"),
    "estimer": ("estime", "estiment", "estimé"),
    "soutenir": ("soutient", "soutiennent", "soutenu"),
    "rappeler": ("rappelle", "rappellent", "rappelé"),
    "assurer": ("assure", "assurent", "assuré"),
    "confirmer": ("confirme", "confirment", "confirmé"),
    "maintenir": ("maintient", "maintiennent", "maintenu"),
    "signaler": ("signale", "signalent", "signalé"),
    "noter": ("note", "notent", "noté"),
    "avancer": ("avance", "avancent", "avancé"),
    "insister": ("insiste", "insistent", "insisté"),
    "lancer": ("lance", "lancent", "lancé"),
    "marteler": ("martèle", "martèlent", "martelé"),
    "renchérir": ("renchérit", "renchérissent", "renchéri"),
    "résumer": ("résume", "résument", "résumé"),
    "poursuivre": ("poursuit", "poursuivent", "poursuivi"),
    "raconter": ("raconte", "racontent", "raconté"),
    "confier": ("confie", "confient", "confié"),
    "déplorer": ("déplore", "déplorent", "déploré"),
    "dénoncer": ("dénonce", "dénoncent", "dénoncé"),
    "prévenir": ("prévient", "préviennent", "prévenu"),
    "reconnaître": ("reconnaît", "reconnaissent", "reconnu"),
    "observer": ("observe", "observent", "observé"),
    "constater": ("constate", "constatent", "constaté"),
    "juger": ("juge", "jugent", "jugé"),
    "croire": ("croit", "croient", "cru"),
    "penser": ("pense", "pensent", "pensé"),
    "répondre": ("répond", "répondent", "répondu"),
    "écrire": ("écrit", "écrivent", "écrit"),
    "annoncer": ("annonce", "annoncent", "annoncé"),
    "plaider": ("plaide", "plaident", "plaidé"),
    "avertir": ("avertit", "avertissent", "averti"),
    "mentionner": ("mentionne", "mentionnent", "mentionné"),
    "admettre": ("admet", "admettent", "admis"),
    "prétendre": ("prétend", "prétendent", "prétendu"),
    "réitérer": ("réitère", "réitèrent", "réitéré"),
    "s'inquiéter": ("inquiète", "inquiètent", "inquiété"),
    "conclure": ("conclut", "concluent", "conclu"),
    "ironiser": ("ironise", "ironisent", "ironisé"),
    "tranche": ("tranche", "tranchent", "tranché"),
    "s'exclamer": ("exclame", "exclament", "exclamé"),
    "demander": ("demande", "demandent", "demandé"),
    "critiquer": ("critique", "critiquent", "critiqué"),
    "faire valoir": ("fait valoir", "font valoir", "fait valoir"),
}
FR_SPEECH_VERBS: frozenset[str] = frozenset(f for forms in _FR_SPEECH.values() for f in forms)
FR_PARTICIPLES: frozenset[str] = frozenset(forms[2] for forms in _FR_SPEECH.values())
FR_PRESENT: frozenset[str] = frozenset(f for forms in _FR_SPEECH.values() for f in forms[:2])

SPEECH_VERBS: frozenset[str] = EN_SPEECH_VERBS | FR_SPEECH_VERBS


def _alternation(words: frozenset[str] | set[str]) -> str:
    """A regex alternation that matches the longest word first, spaces as any whitespace."""
    parts = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in parts)


EN_SPEECH_RE = _alternation(EN_SPEECH_VERBS)
EN_REPORTING_RE = _alternation(EN_REPORTING_VERBS)
FR_SPEECH_RE = _alternation(FR_SPEECH_VERBS)
FR_PARTICIPLE_RE = _alternation(FR_PARTICIPLES)
FR_PRESENT_RE = _alternation(FR_PRESENT)

# Adverbs and auxiliaries that sit between a subject and its speech verb.
EN_VERB_MODIFIERS = (
    r"(?:(?:has|have|had|also|later|previously|earlier|then|further|again|once|recently|"
    r"repeatedly|publicly|privately|long|often|already|simply|flatly|only|first|"
    r"would|will|could|may|might|"
    # lowercase -ly adverbs, not names ("Kelly said") or -ly nouns ("the family said")
    r"(?!(?:family|assembly|supply|ally|rally|anomaly|monopoly|bully|belly|reply|daily|"
    r"weekly|monthly|fly)\b)(?-i:[a-z]+ly))\s+)*"
)
_FR_ADVERBIALS = (
    r"aussi|également|d['’]ailleurs|par\s+ailleurs|encore|toutefois|cependant|pourtant|"
    r"néanmoins|déjà|récemment|notamment|enfin|en\s+outre|plutôt|alors|ensuite|"
    r"pour\s+sa\s+part|pour\s+leur\s+part|de\s+son\s+côté|de\s+leur\s+côté|"
    r"quant\s+à\s+(?:lui|elle|eux|elles)|lui-même|elle-même|publiquement|clairement"
)
# "a déclaré", "a de son côté rappelé", "avait par ailleurs indiqué": up to two adverbials.
FR_AUX = (
    r"(?:(?:a|ont|avait|avaient|aurait|auraient)\s+"
    rf"(?:(?:{_FR_ADVERBIALS}),?\s+){{0,2}})?"
)

# --- pronouns ---------------------------------------------------------------------------

MALE_PRONOUNS = frozenset({"he", "him", "his", "il", "lui"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "elle"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "ils", "elles", "eux"})
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "il", "elle", "ils", "elles", "we", "i", "it"})
PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | SUBJECT_PRONOUNS

# --- titles and honorifics --------------------------------------------------------------

# Tokens that precede a person's name and are not part of it.
HONORIFICS = _words(
    """
    atty capt col const cpl cst det dr gen gov hon insp lt m maj me mgr miss mlle mme mr mrs ms
    pres prof rep reps rev s/sgt sen sens sgt  supt
    """
)
TITLE_WORDS = _words(
    """
    acting activist advocate agency agent agente ambassadeur ambassador american analyst
    assistant associate attorney avocat avocate bishop bloc border canadian candidat candidate
    captain cardinal ceo chair chairman chairperson chairwoman chef chercheur chercheuse chief
    commander commissaire commissioner congressman congresswoman conseiller conseillère
    conservative constable coordinator coordinatrice coordonnateur coordonnatrice corporal
    councillor councilor critic critique czar delegate democrat democratic deputy directeur
    director directrice député députée economist executive father federal fondateur fondatrice
    founder general governor imam immigration inspector interim judge juge justice lawyer leader
    liberal lieutenant maire mairesse manager mayor minister ministre mla mna mp mpp ndp officer
    ombudsman opposition organiser organizer pastor patrol pope porte-parole premier president
    prime professeur professeure professor protecteur protectrice provincial président
    présidente public quebec québec rabbi reeve representative republican researcher reverend
    safety secretary secrétaire senator sergeant sheriff spokesman spokesperson spokeswoman
    state superintendent sénateur sénatrice tsar u.s. vice
        campaigner campaigners organiser spokesperson volunteer co-chair co-founder head
    """
)

# --- nouns -------------------------------------------------------------------------------

# Head nouns of noun phrases that can speak (people, groups, bodies).
SPEAKER_NOUNS_EN = _words(
    """
    activist activists administration advocate advocates agencies agency agent agents analyst
    analysts association asylum-seeker asylum-seekers attorney attorneys authorities board boy
    brother candidate caucus chair chairman chairwoman charity chief city claimant claimants
    coalition commission commissioner committee congressman congresswoman coordinator council
    councillor councilor couple court cousin critic critics crosser crossers czar daughter
    department deputy director doctor doctors economist economists employee employees executive
    expert experts families family father founder friend friends girl government governments
    governor group groups husband judge judges lawmaker lawmakers lawyer lawyers leader leaders
    legislator legislators man manager mayor member members men migrant migrants minister
    minister's ministers ministry mother mp mps neighbor neighbors neighbour neighbours nurse
    observer observers office officer officers official officials ombudsman opponents
    organisation organization organizer organizers owner parents parliamentarian partner party
    pastor patrol people person police premier president priest professor proponents prosecutor
    prosecutors province provinces reeve refugee refugees representative researcher researchers
    resident residents scholar scholars secretary seeker seekers senator senators sheriff sister
    son source sources spokesman spokespeople spokesperson spokespersons spokeswoman staff state
    student students supporters teacher teenager tribunal trooper troopers tsar un unhcr union
    volunteer volunteers wife witness witnesses woman women worker workers
    """
) | frozenset(["white house"])
SPEAKER_NOUNS_FR = _words(
    """
    agence agent agents analyste association autorités avocat avocate avocats bureau cabinet
    chef chercheur chercheuse citoyen citoyens coalition commissaire conseil coordonnateur
    coordonnatrice critiques demandeur demandeurs demandeuse directeur directrice député députée
    expert experte experts famille femme fondateur fondatrice fédération gouvernement groupe
    groupes homme intervenant intervenante intervenants juge maire mairesse migrant migrante
    migrants militant militante militants ministre ministère mère opposition organisme
    organismes police policiers porte-parole premier première professeur professeure protecteur
    protectrice province président présidente père responsable responsables réfugié réfugiée
    réfugiés résident résidents source sources spécialiste syndicat sénateur sénatrice
    travailleur travailleuse ville économiste
    """
)
SPEAKER_NOUNS = SPEAKER_NOUNS_EN | SPEAKER_NOUNS_FR

# Wire services often named by a short form the organisation table does not list: they
# report what others said ("X said ..., AP reports"; "OTTAWA (AP) —").
NEWS_AGENCIES = _words("AP AFP Reuters UPI Bloomberg CP PC")

# Heads that are documents or figures, not speakers ("according to data", "the report says").
NON_SPEAKER_NOUNS = _words(
    """
    agreement analysis article audit bilan bill calculs census chart charts chiffres count data
    database document documents données estimate estimates figures filing filings forecast
    forecasts headline index it law legislation list loi map maps news note numbers order orders
    policy poll polls post projet rapport recensement record records release report reports
    research review rule rules règlement site sondage statistics statistiques stats story
    studies study survey surveys tally that this times tracker website what which étude
    """
)

# Words that, right before a quoted span, mark it as a term or title, not a quote.
NAMING_CUES = (
    r"(?:so-called|so\s+called|dubbed|known\s+as|called|titled|entitled|named|nicknamed|"
    r"labelled|labeled|branded|termed|the\s+term|the\s+word|the\s+words|the\s+phrase|"
    r"the\s+slogan|a\s+campaign|the\s+campaign|billed\s+as|referred\s+to\s+as|"
    r"described\s+as|dite?s?|appelée?s?|surnommée?s?|baptisée?s?|intitulée?s?|"
    r"nommée?s?|qualifiée?s?\s+de|l'expression|le\s+terme|le\s+mot|le\s+slogan|"
    r"la\s+campagne|le\s+programme|l'opération|opération|operation|program|programme|"
    r"project|projet|bill|loi|act|hashtag|slogan|motto|book|film|documentary|report|"
    r"rapport|study|étude|show|series|podcast|headline|song|album)"
)

# Determiners/possessives: a short quoted span right after one is a term ("the 'border czar'").
DETERMINERS = _words(
    """
    a an au aux ce ces cette d' de des du her his its l' la le les leur leurs my our sa ses
    so-called son that the their these this those un une your
    """
)

# Capitalised words that never start a person's name (sentence starters, places, calendar).
NOT_NAME_WORDS = _words(
    """
    a about according across act advertisement after against agency agreement alberta all also
    although american americans among an and another any août apr april article as asylum at aug
    august avec avril because before between biden bill board border borders both british
    brunswick buffalo but by calgary canada canadian canadians cbc ce ces cette champlain
    chapter citizenship columbia commons congress conservative conservatives country court covid
    covid-19 ctv dakota dans de dec december democrat democrats department des despite dimanche
    du during décembre each east edmonton elle elles emerson english et even every feb february
    federal first for french friday from février getty global government haiti halifax he her
    here his house how however i if il ils images immigration in into it its jan january janvier
    jeudi juillet juin jul july jun june just la lacolle last le les liberal liberals listen
    lundi mai mais manitoba many mar march mardi mars may meanwhile mercredi mexico ministry
    minnesota monday montreal montréal more most my new news next no north northern not nous nov
    nova november novembre now oct october octobre of on one only ontario onto or other ottawa
    ou our over parliament photo plattsburgh pour press protection published quebec québec
    radio-canada read refugee refugees related republican republicans reuters road roxham safe
    samedi saturday scotia second section selon senate sep sept september septembre services
    share she since so some south southern states still strong such sunday sur that the their
    then there these they third this those though three through thursday to today tomorrow
    toronto trump tuesday two u.s. un under une united unless until updated upon us vancouver
    vendredi vermont video washington watch we wednesday west what when where while white who
    why winnipeg with without yes yesterday yet york you your
        regarding concerning asked speaking following including given translating meanwhile
    """
)

# Words that make a capitalised chain an organisation rather than a person.
ORG_WORDS = _words(
    """
    action administration agence agency aid alliance army assembly association bank board border
    bureau cabinet canada caucus center centre chaire church citizenship city clinic clinique
    coalition collectif collective college comité commissariat commission committee company
    conference congress conseil corporation council county cour court customs department
    department's enforcement faculty federation forces foundation fund fédération gendarmerie
    gouvernement government group guard haut homeland hospital house immigration inc initiative
    institut institute international lab laboratory ltd maison ministry ministère mission
    nations navy network news observatoire office organisation organization parliament party
    patrol police post press program programme project protection province radio refugee
    refugees region relief rights réseau sanctuary school secretariat secrétariat security
    senate service services shelter society state syndicat sûreté table television times
    tribunal unies union university université ville watch welcome
    """
)

# Sentence-final abbreviations that do not end a sentence.
ABBREVIATIONS = _words(
    """
    a.m al approx art atty aug capt co col const corp cpl cst d.c dec dept det dr e.g est etc
    feb fig ft gen gov hon i.e inc insp jan jr lt ltd m maj me mgr mr mrs ms mt no nov oct p p.m
    pp pres prof rep reps rev sen sens sep sept sgt sr st ste supt u.k u.n u.s vol vs
    """
)
