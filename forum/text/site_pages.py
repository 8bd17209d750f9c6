"""The words the forum starts with: its description, the home page's welcome, and the default
texts of its pages (about, terms of use, privacy notice), shown until staff publish their own.

Square brackets mark what the programme (the data controller) must fill in before relying on a
text.
"""

from __future__ import annotations

DEFAULT_DESCRIPTION = (
    "A closed discussion forum for the GPs of the cancer clinical leadership programme and the "
    "staff who support them."
)

DEFAULT_WELCOME = """\
This is the place to ask colleagues on the programme for advice, share what has worked in \
your practice and your alliance, and find the programme's resources in the library.

Everything here stays within the programme. **Never post anything that could identify a \
patient**: describe cases in general terms, without names, dates of birth, NHS numbers, \
postcodes or rare combinations of details."""

#: The site's pages: the name in the URL (``/about``) and the page's title.
PAGE_TITLES: dict[str, str] = {
    "about": "About this forum",
    "terms": "Terms of use",
    "privacy": "Privacy notice",
}

ABOUT = """\
This forum is a closed online community for the GPs taking part in the cancer clinical \
leadership programme, and for the programme staff who support them. It is a place to ask \
questions, share experience of improving early diagnosis in primary care, and find the \
programme's resources.

# Who can join

Membership is closed. GPs join by invitation from the programme staff, or by asking to join; \
staff check each request before an account is made. Members' names, roles and organisations \
are visible to other members, never to the public.

# Patient confidentiality

Members are clinicians bound by the GMC's guidance on confidentiality. Every member accepts the \
forum's confidentiality pledge, and the forum checks what members write for details that could \
identify a patient (such as NHS numbers, dates of birth and postcodes) before it is posted.

# Who runs it

The forum is run by the programme team [fill in: the organisation that runs the programme]. \
Moderators from the programme look after the discussions. To contact them, use the address at \
the foot of every page."""

TERMS = """\
By using this forum you agree to these terms. They are short: please read them.

# Who may use the forum

The forum is for members of the cancer clinical leadership programme and the staff who support \
them. Your account is for you alone: do not share your password or let anyone else use your \
account.

# What you may post

- **Never post anything that could identify a patient**, alone or together with other \
details: no names, dates of birth, NHS numbers, addresses, postcodes, photographs, or rare \
combinations of age, condition and place. Follow the GMC's guidance on confidentiality and on \
doctors' use of social media.
- Treat what colleagues share here as confidential to the forum: do not copy it elsewhere \
without their permission.
- Be respectful and constructive. No harassment, discrimination, advertising or spam.
- Declare any conflict of interest, for example a commercial interest in something you discuss.
- Post only material you have the right to share, and respect copyright and licences.

Discussions here are peer support, not formal clinical advice: you remain responsible for the \
care of your patients.

# Moderation

Moderators may edit, hide or remove posts that break these terms, and may warn, silence, \
suspend or remove members who do. Decisions are recorded, and you may ask the programme staff to \
look at one again.

# Changes

We may change these terms. Each change is published here as a new version with its date; \
significant changes will be announced on the forum.

# Contact

Questions about these terms: write to the programme staff at the address at the foot of every \
page."""

PRIVACY = """\
This notice explains what personal data the forum holds about you, why, and your rights. The \
forum is run by [fill in: the data controller's name and address], the data controller under \
the UK General Data Protection Regulation (UK GDPR) and the Data Protection Act 2018.

# What we hold

- **Your account**: your name, email address, role, the alliance and practice or organisation \
you give, your job title and GMC number if you give them, and your profile (about you, \
interests, declared conflicts of interest).
- **What you write and do**: your posts, their earlier versions, files you upload, reports \
you make, your bookmarks, drafts and notification settings, and which threads you have read \
(to show you what is new).
- **Security and records**: a hash of your password (never the password itself), two-factor \
sign-in settings, when you were last active, your acceptance of the confidentiality pledge, \
and a record of staff and moderation actions with the network address they came from. Server \
logs also hold network addresses for [fill in: how long logs are kept].
- **Your request to join**, if you asked to join, including the reason you gave.

The forum is not for patient data. If a post contains details that could identify a patient, \
moderators remove or redact them.

# Why we hold it, and the lawful basis

We use your data to run the forum for the programme: to give you an account, show your posts \
and profile to other members, send you the emails you have chosen, keep the forum safe and \
confidential, and answer your questions. The lawful basis is [fill in: for example, legitimate \
interests in running the programme's professional community (Article 6(1)(f)), or public task \
(Article 6(1)(e)) for a public body]. We do not sell your data or use it for advertising.

# Who can see it

Other members see your name, role, organisation, profile and posts. Programme staff and \
moderators see more (your email address, your requests and the moderation record) to run the \
forum. Our hosting and email providers process data on our behalf under contract \
[fill in: name them, and where the data is stored].

# How long we keep it

- Your account and posts: while you are a member. When you delete your account, your profile \
and personal details are removed; posts stay, shown as from a “Former member”, unless you ask \
for them to be removed.
- Requests to join that were not approved: [fill in: for example, 6 months].
- Security and moderation records: [fill in: for example, 2 years].
- Backups: [fill in: for example, 35 days].

# Your rights

You have the right to see the data we hold about you (you can download it from your account \
page), to have it corrected, to have it erased, to restrict or object to our use of it, and to \
move it. To use these rights, write to the programme staff at the address at the foot of every \
page. You may also complain to the Information Commissioner's Office (ico.org.uk, 0303 123 \
1113).

# Contact

Data protection questions: write to the programme staff at the address at the foot of every \
page, or to our data protection officer at [fill in: the DPO's address]."""

DEFAULT_PAGES: dict[str, str] = {"about": ABOUT, "terms": TERMS, "privacy": PRIVACY}
