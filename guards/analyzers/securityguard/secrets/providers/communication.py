"""Messaging and e-mail: Slack, Discord, Telegram, Microsoft Teams, Twilio, SendGrid, Mailgun, Mailchimp...

Slack tokens are ``xox`` + a type letter (``b`` bot, ``p`` user, ``a``/``r``/``s``/``e``
workspace, refresh, session, config) and dash-separated workspace/user numbers and a
random tail; app tokens ``xapp-``; incoming webhooks
``hooks.slack.com/services/T…/B…/<24>``. Discord bot tokens are three dot-separated
base64url parts, the first the bot's numeric id; Telegram bot tokens
``<bot id>:AA<33>``. SendGrid keys ``SG.<22>.<43>``, Mailchimp ``<32 hex>-us<dc>``,
Mailgun ``key-<32 hex>``, Brevo ``xkeysib-<64 hex>-<16>``, Resend ``re_<8>_<24>``, MailerSend
``mlsn.<64 hex>``; Firebase legacy server keys ``AAAA<7>:APA91b<134>``; Webex tokens
``<64>_<4 org>_<uuid>``; Ably ``<app>.<key>:<43>``; Zapier, IFTTT and Google Chat
webhook URLs (the URL itself, or its ``key``/``token`` part, is the credential).
OneSignal ``os_v2_app_``; Courier ``pk_prod_``; SMTP2GO ``api-`` + 32 upper hex; ntfy ``tk_``; Make,
Feishu/Lark, DingTalk and WeCom robot webhook URLs.
"""

from __future__ import annotations

import re

from guards.analyzers.securityguard.secrets.checks import discord_bot_ok
from guards.analyzers.securityguard.secrets.rules import anchored, prefixed

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _slack_ok(token: str) -> bool:
    """Workspace and user ids are numeric and the random tail is long enough to be a real token."""
    parts = token.split("-")
    return len(parts) >= 3 and any(p.isdigit() and len(p) >= 9 for p in parts[1:]) and len(parts[-1]) >= 10


RULES = (
    prefixed("SLACK_TOKEN", "Slack token", "communication", r"xox[abposre]-[0-9A-Za-z\-]{10,250}", "xox",
             validator=_slack_ok, severity="high"),
    prefixed("SLACK_TOKEN", "Slack configuration token", "communication", r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{100,300}",
             "xoxe.", severity="high"),
    prefixed("SLACK_TOKEN", "Slack app-level token", "communication", r"xapp-\d-[A-Z0-9]{9,12}-\d{10,14}-[a-f0-9]{64}",
             "xapp-", severity="high"),
    prefixed("SLACK_WEBHOOK", "Slack incoming webhook URL", "communication",
             r"https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/"
             r"(?:\d{6,20}/)?[A-Za-z0-9]{20,40}", "hooks.slack.com", severity="high", bounded=False),
    prefixed("DISCORD_BOT_TOKEN", "Discord bot token", "communication",
             r"[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}", validator=discord_bot_ok,
             severity="high"),
    # the Discord layout (id.timestamp.hmac) with parts of the wrong size: a near miss, claimed
    prefixed("DISCORD_BOT_TOKEN", "Discord bot token (malformed)", "communication",
             r"[MNO][A-Za-z0-9_\-]{20,30}\.[A-Za-z0-9_\-]{4,8}\.[A-Za-z0-9_\-]{20,45}", severity="info", report=False),
    prefixed("DISCORD_WEBHOOK", "Discord webhook URL", "communication",
             r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[A-Za-z0-9_\-]{60,68}",
             "discord", severity="high", bounded=False),
    prefixed("TELEGRAM_BOT_TOKEN", "Telegram bot token", "communication", r"(?:(?<=bot)|(?<![\w:]))\d{8,10}:AA[0-9A-Za-z_\-]{33}"
             r"(?![\w\-])", ":AA", severity="high", bounded=False),
    prefixed("TEAMS_WEBHOOK", "Microsoft Teams incoming webhook URL", "communication",
             rf"https://[a-z0-9\-]{{1,60}}\.webhook\.office\.com/webhookb2/{_UUID}@{_UUID}/IncomingWebhook/"
             rf"[0-9a-f]{{32}}/{_UUID}(?:/[A-Za-z0-9_\-]{{30,60}})?", "webhook.office.com", severity="high",
             bounded=False),
    prefixed("TWILIO_API_KEY", "Twilio API key SID", "communication", r"SK[a-f0-9]{32}", "SK", severity="high"),
    prefixed("TWILIO_ACCOUNT_SID", "Twilio account SID", "communication", r"AC[a-f0-9]{32}", "AC",
             severity="medium"),
    prefixed("SENDGRID_API_KEY", "SendGrid API key", "communication", r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
             "SG.", exact=True),
    prefixed("MAILGUN_API_KEY", "Mailgun API key", "communication", r"key-[0-9a-f]{32}", "key-", severity="high"),
    prefixed("MAILGUN_API_KEY", "Mailgun API key", "communication", r"[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}", "-",
             severity="high"),
    # 32 hex + -us<data centre>; a tag without its number or a body of another length is malformed (claimed)
    prefixed("MAILCHIMP_API_KEY", "Mailchimp API key", "communication", r"[0-9a-f]{24,40}-us[0-9]{0,3}", "-us",
             validator=lambda v: re.fullmatch(r"[0-9a-f]{32}-us[0-9]{1,2}", v) is not None, strict=True,
             severity="high"),
    prefixed("MANDRILL_API_KEY", "Mailchimp Transactional (Mandrill) API key", "communication",
             r"md-[A-Za-z0-9_\-]{22}", "md-", severity="high"),
    prefixed("BREVO_API_KEY", "Brevo (Sendinblue) API key", "communication", r"x(?:keysib|smtpsib)-[a-f0-9]{64}-"
             r"[A-Za-z0-9]{16}", "xkeysib-", "xsmtpsib-"),
    prefixed("TWITTER_BEARER_TOKEN", "X (Twitter) bearer token", "communication",
             r"A{20,22}[A-Za-z0-9%]{60,140}", "AAAAAAAAAAAAAAAAAAAA", severity="high"),
    prefixed("FACEBOOK_ACCESS_TOKEN", "Facebook access token", "communication", r"EAA[CG][A-Za-z0-9]{60,250}",
             "EAAC", "EAAG", severity="high"),
    prefixed("RESEND_API_KEY", "Resend API key", "communication", r"re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}", "re_",
             severity="high"),
    prefixed("MAILERSEND_TOKEN", "MailerSend API token", "communication", r"mlsn\.[a-f0-9]{64}", "mlsn.",
             severity="high", exact=True),
    prefixed("FIREBASE_FCM_KEY", "Firebase Cloud Messaging server key", "communication",
             r"AAAA[A-Za-z0-9_\-]{7}:APA91b[A-Za-z0-9_\-]{134}", ":APA91b"),
    # Ably API keys: <app id>.<key id>:<key secret, 32 bytes base64>
    prefixed("ABLY_API_KEY", "Ably API key", "communication", r"[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{6}:"
             r"[A-Za-z0-9_\-+/]{43}", ":", severity="high"),
    # secret webhook URLs: whoever has the URL can post
    prefixed("ZAPIER_WEBHOOK", "Zapier webhook URL", "communication",
             r"https://hooks\.zapier\.com/hooks/catch/\d{3,12}/[a-z0-9]{5,12}/?", "hooks.zapier.com",
             severity="high", bounded=False),
    prefixed("IFTTT_WEBHOOK_KEY", "IFTTT Webhooks key", "communication",
             r"maker\.ifttt\.com/(?:trigger/[A-Za-z0-9_\-]{1,80}/(?:json/)?)?with/key/([A-Za-z0-9_\-]{22,43})",
             "maker.ifttt.com", group=1, severity="high", bounded=False),
    prefixed("GOOGLE_CHAT_WEBHOOK", "Google Chat webhook URL", "communication",
             r"https://chat\.googleapis\.com/v1/spaces/[A-Za-z0-9_\-]{6,20}/messages\?key=[A-Za-z0-9_\-]{20,60}"
             r"&token=([A-Za-z0-9_\-]{40,50}(?:%3D|=)?)", "chat.googleapis.com", group=1, severity="high", bounded=False),
    # OneSignal REST API keys (2024): os_v2_app_ / os_v2_org_ + base32; Courier auth tokens pk_prod_ + 28
    prefixed("ONESIGNAL_API_KEY", "OneSignal REST API key", "communication", r"os_v2_(?:app|org)_[a-z0-9]{50,120}",
             "os_v2_app_", "os_v2_org_"),
    prefixed("COURIER_TOKEN", "Courier auth token", "communication", r"pk_prod_[A-Z0-9]{28}", "pk_prod_",
             severity="high"),
    prefixed("WEBEX_TOKEN", "Webex access token", "communication",
             rf"[A-Za-z0-9]{{64}}_[A-Za-z0-9]{{4}}_{_UUID}", "-", severity="high"),
    # SMTP2GO API keys: api- + 32 upper-case hex
    prefixed("SMTP2GO_API_KEY", "SMTP2GO API key", "communication", r"api-[A-F0-9]{32}", "api-", severity="high"),
    # more secret webhook URLs: Make (Integromat), Feishu / Lark bots, DingTalk and WeCom group robots
    prefixed("MAKE_WEBHOOK", "Make (Integromat) webhook URL", "communication",
             r"https://hook\.(?:[a-z0-9]{2,10}\.)?(?:make|integromat)\.com/[a-z0-9]{32}", "hook.", severity="high",
             bounded=False),
    prefixed("FEISHU_WEBHOOK", "Feishu / Lark bot webhook URL", "communication",
             r"https://open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/"
             r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", "open-apis", group=1, severity="high",
             bounded=False),
    prefixed("DINGTALK_WEBHOOK", "DingTalk robot access token", "communication",
             r"oapi\.dingtalk\.com/robot/send\?access_token=([a-f0-9]{64})", "dingtalk", group=1, severity="high",
             bounded=False),
    prefixed("WECOM_WEBHOOK", "WeCom (WeChat Work) robot webhook key", "communication",
             r"qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?key=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
             r"[0-9a-f]{12})", "qyapi.weixin", group=1, severity="high", bounded=False),
    # ntfy access tokens: tk_ + 29 lower-case base36
    prefixed("NTFY_TOKEN", "ntfy access token", "communication", r"tk_[a-z0-9]{29}", "tk_", severity="high"),
)

ANCHORED = (
    anchored("TWILIO_AUTH_TOKEN", "Twilio auth token", "communication", "twilio", r"[a-f0-9]{32}"),
    anchored("POSTMARK_TOKEN", "Postmark server token", "communication", "postmark", _UUID),
    anchored("MAILJET_KEY", "Mailjet API key", "communication", "mailjet", r"[a-f0-9]{32}"),
    anchored("VONAGE_SECRET", "Vonage (Nexmo) API secret", "communication", "vonage nexmo", r"[A-Za-z0-9]{16}"),
    anchored("FACEBOOK_APP_SECRET", "Facebook app secret", "communication", "facebook fb_ meta_app", r"[a-f0-9]{32}"),
    anchored("TWITTER_SECRET", "X (Twitter) API secret", "communication", "twitter tweet", r"[A-Za-z0-9]{35,50}"),
    anchored("ZENDESK_TOKEN", "Zendesk API token", "communication", "zendesk", r"[A-Za-z0-9]{40}"),
    anchored("INTERCOM_TOKEN", "Intercom access token", "communication", "intercom", r"dG9rO[A-Za-z0-9+/=_\-]{40,80}"),
    anchored("PUSHER_SECRET", "Pusher secret", "communication", "pusher", r"[a-f0-9]{20}"),
    anchored("ZOOM_SECRET", "Zoom client secret", "communication", "zoom", r"[A-Za-z0-9]{32}"),
    anchored("SLACK_SIGNING_SECRET", "Slack signing secret", "communication", "slack", r"[a-f0-9]{32}",
             words="secret"),
    anchored("ONESIGNAL_API_KEY", "OneSignal REST API key (legacy)", "communication", "onesignal", r"[A-Za-z0-9]{48}"),
    anchored("MAILTRAP_TOKEN", "Mailtrap API token", "communication", "mailtrap", r"[a-f0-9]{32}"),
    anchored("CUSTOMERIO_KEY", "Customer.io API key", "communication", "customerio customer_io", r"[a-f0-9]{20,32}"),
    anchored("MASTODON_TOKEN", "Mastodon access token", "communication", "mastodon", r"[A-Za-z0-9_\-]{43}"),
    anchored("SINCH_TOKEN", "Sinch API token", "communication", "sinch", r"[a-f0-9]{32}"),
    anchored("NOVU_API_KEY", "Novu API key", "communication", "novu", r"[a-f0-9]{32}"),
    anchored("LINE_TOKEN", "LINE channel access token or Notify token", "communication",
             "linebot linenotify channel_access_token", r"[A-Za-z0-9+/=]{40,180}"),
    anchored("ELASTICEMAIL_KEY", "Elastic Email API key", "communication", "elasticemail elastic_email",
             r"[A-F0-9]{96}"),
    anchored("BRAZE_KEY", "Braze REST API key", "communication", "braze",
             r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
)
