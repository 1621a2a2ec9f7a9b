"""The staff pages: the case list, the case page with its actions, and emergency access.

Every page reads cases through `selectors`, so a case outside the user's team is a 404 here as it
is in the API. Every change goes through `services` (or `suspensions`); their refusals come back
as a form error or a message and nothing is changed. Each successful POST redirects
(post/redirect/get), so a reload never repeats an action. URLs carry nothing but numeric ids and
rulebook codes.

    access       who is asking, and the case (or record on it) they may act on
    listing      the case list
    case_page    the case page, and which action forms it offers to whom
    timeline     the case's audit events in plain words
    acting       the shape every action shares: parse, one service call, redirect or 400
    steps        transitions, decisions and notices
    team         staffing: the cases that need someone, a case's team page (no case content),
                 and the case page's own assign form
    allegations  adding allegations, charging decisions, findings and sanctions
    respondent   the respondent's response and more time to give it
    hearings     scheduling a hearing and recording it held
    suspensions  interim suspension: decide, serve, review or lift, extend
    emergency    emergency access and oversight's review of it
"""
