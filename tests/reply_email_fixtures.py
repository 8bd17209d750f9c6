# ruff: noqa: E501 -- mail clients write long lines; the fixtures keep them as sent
"""Replies in the shapes real mail clients send, for the reply-by-email tests.

Each builder returns an ``EmailMessage`` answering a forum notification: the member's own
words on top, then the client's quoted history and signature, as Outlook (desktop and web),
Gmail and Apple Mail write them. ``KEPT`` says what the parser must keep of each: the
member's words only (docs/reply-by-email.md lists the same).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

FORUM = "GP Forum <forum@example.org>"
QUOTED = "Dr Tom Reply replied in “Ferritin in young women”: Repeat the FIT at six weeks."

OUTLOOK_DESKTOP_TEXT = """\
Agree - we repeat at six weeks too, and safety-net with the patient.

Kind regards,
Dr Asha Patel
GP Partner, Riverside Surgery

________________________________
From: GP Forum <forum@example.org>
Sent: 07 December 2026 14:02
To: PATEL, Asha (RIVERSIDE SURGERY) <asha.patel@nhs.net>
Subject: Dr Tom Reply replied in “Ferritin in young women”

{quoted}
"""

OUTLOOK_DESKTOP_HTML = """\
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style type="text/css" style="display:none;"> P {{margin-top:0;margin-bottom:0;}} </style>
</head><body dir="ltr">
<div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 12pt;">
Agree - we repeat at six weeks too, and safety-net with the patient.</div>
<div class="elementToProof"><br></div>
<div id="Signature"><p>Kind regards,<br>Dr Asha Patel<br>GP Partner, Riverside Surgery</p></div>
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt">
<b>From:</b> GP Forum &lt;forum@example.org&gt;<br><b>Sent:</b> 07 December 2026 14:02<br>
<b>To:</b> PATEL, Asha &lt;asha.patel@nhs.net&gt;<br>
<b>Subject:</b> Dr Tom Reply replied in “Ferritin in young women”</font>
<div>&nbsp;</div></div>
<div><p>{quoted}</p></div>
</body></html>
"""

OUTLOOK_WEB_HTML = """\
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body><div dir="ltr"><div style="font-family: Calibri, Arial, Helvetica, sans-serif;">
We use the <b>same pathway</b> at our practice.</div>
<div id="mail-editor-reference-message-container"><div class="ms-outlook-mobile-reference-message">
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0 0 0">
<p><b>From: </b>GP Forum &lt;forum@example.org&gt;<br><b>Date: </b>Monday, 7 December 2026
at 14:02<br><b>To: </b>Asha Patel &lt;asha.patel@nhs.net&gt;</p></div>
<p>{quoted}</p></div></div></div></body></html>
"""

GMAIL_TEXT = """\
Thanks, that's really helpful. I'll use the 2WW pathway.

On Mon, 7 Dec 2026 at 14:02, GP Forum <forum@example.org> wrote:

> {quoted}
>
"""

GMAIL_HTML = """\
<div dir="ltr">Thanks, that&#39;s really helpful. I&#39;ll use the <a href="https://www.nice.org.uk/guidance/ng12">NG12</a> 2WW pathway.</div>
<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Mon,
7 Dec 2026 at 14:02, GP Forum &lt;<a href="mailto:forum@example.org">forum@example.org</a>&gt;
wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;
border-left:1px solid rgb(204,204,204);padding-left:1ex">{quoted}</blockquote></div>
"""

APPLE_MAIL_HTML = """\
<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>
<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">
Same here. We also check coeliac serology first.<br><br>Asha<br><div><br>
<blockquote type="cite"><div>On 7 Dec 2026, at 14:02, GP Forum &lt;forum@example.org&gt; wrote:</div>
<br class="Apple-interchange-newline"><div><div>{quoted}</div></div></blockquote></div><br>
</body></html>
"""

APPLE_MAIL_TEXT = """\
Same here. We also check coeliac serology first.

Asha

Sent from my iPhone

> On 7 Dec 2026, at 14:02, GP Forum <forum@example.org> wrote:
>
> {quoted}
"""

#: What the parser must keep of each shape: the member's words, nothing quoted.
KEPT = {
    "outlook_desktop": "Agree - we repeat at six weeks too, and safety-net with the patient.",
    "outlook_web": "We use the **same pathway** at our practice.",
    "gmail": "Thanks, that's really helpful. I'll use the [NG12](https://www.nice.org.uk/guidance/ng12) 2WW pathway.",
    "gmail_text": "Thanks, that's really helpful. I'll use the 2WW pathway.",
    "apple_mail": "Same here. We also check coeliac serology first.\n\nAsha",
    "apple_mail_text": "Same here. We also check coeliac serology first.\n\nAsha",
}


def reply(
    to: str,
    sender: str,
    *,
    text: str | None = None,
    html: str | None = None,
    message_id: str | None = None,
    subject: str = "RE: Dr Tom Reply replied in “Ferritin in young women”",
    **headers: str,
) -> EmailMessage:
    """A reply to ``to`` from ``sender`` with a text part, an HTML part or both."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="nhs.net")
    message["In-Reply-To"] = "<forum-notification@example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if text is not None:
        message.set_content(text.format(quoted=QUOTED))
    if html is not None:
        body = html.format(quoted=QUOTED)
        if text is None:
            message.set_content(body, subtype="html")
        else:
            message.add_alternative(body, subtype="html")
    return message


def outlook_desktop(to: str, sender: str, **kw: str) -> EmailMessage:
    return reply(to, sender, text=OUTLOOK_DESKTOP_TEXT, html=OUTLOOK_DESKTOP_HTML, **kw)


def outlook_desktop_html_only(to: str, sender: str, **kw: str) -> EmailMessage:
    return reply(to, sender, html=OUTLOOK_DESKTOP_HTML, **kw)


def outlook_web(to: str, sender: str, **kw: str) -> EmailMessage:
    return reply(to, sender, html=OUTLOOK_WEB_HTML, **kw)


def gmail(to: str, sender: str, **kw: str) -> EmailMessage:
    return reply(to, sender, html=GMAIL_HTML, **kw)


def gmail_text(to: str, sender: str, **kw: str) -> EmailMessage:
    return reply(to, sender, text=GMAIL_TEXT, **kw)


def apple_mail(to: str, sender: str, **kw: str) -> EmailMessage:
    return reply(to, sender, html=APPLE_MAIL_HTML, **kw)


def apple_mail_text(to: str, sender: str, **kw: str) -> EmailMessage:
    return reply(to, sender, text=APPLE_MAIL_TEXT, **kw)


SHAPES = {
    "outlook_desktop": outlook_desktop_html_only,
    "outlook_web": outlook_web,
    "gmail": gmail,
    "gmail_text": gmail_text,
    "apple_mail": apple_mail,
    "apple_mail_text": apple_mail_text,
}
