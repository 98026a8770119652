"""Web and data APIs whose keys carry no prefix, plus a few prefixed social and cloud tokens.

Most data APIs (weather, news, geo-IP, scraping, blockchain, e-signature) issue a bare hex or
alphanumeric key of a fixed length; only the provider named next to it says what it is, so
these are ``anchored`` rules: the name (in the key, the line or the lines before) and the
documented length and alphabet. The prefixed ones: AWS Bedrock API keys ``ABSK``,
Instagram user tokens ``IGQV``, Pinterest ``pina_``, Pushbullet ``o.`` + 32, Honeybadger
personal tokens ``hbp_``, LocationIQ ``pk.`` + 32, Telnyx v2 keys ``KEY`` + 32 upper-case hex + ``_`` + 22.
"""

from __future__ import annotations

from guards.analyzers.securityguard.secrets.rules import anchored, prefixed

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

RULES = (
    prefixed("AWS_BEDROCK_API_KEY", "AWS Bedrock API key", "cloud", r"ABSK[A-Za-z0-9+/]{60,400}={0,2}", "ABSK"),
    prefixed("INSTAGRAM_TOKEN", "Instagram access token", "communication", r"IGQV[A-Za-z0-9_\-]{100,400}", "IGQV",
             severity="high"),
    prefixed("PINTEREST_TOKEN", "Pinterest access token", "communication", r"pina_[A-Za-z0-9]{60,200}", "pina_",
             severity="high"),
    prefixed("PUSHBULLET_TOKEN", "Pushbullet access token", "communication", r"o\.[A-Za-z0-9]{32}", "o.",
             severity="high"),
    prefixed("TELNYX_API_KEY", "Telnyx API key", "communication", r"KEY[0-9A-F]{32}_[A-Za-z0-9]{22}", "KEY"),
    prefixed("LOCATIONIQ_TOKEN", "LocationIQ access token", "saas", r"pk\.[A-Za-z0-9_\-]{32}", "pk.", severity="high",
             exact=True),
    prefixed("HONEYBADGER_TOKEN", "Honeybadger personal auth token", "saas", r"hbp_[A-Za-z0-9]{36}", "hbp_",
             severity="high"),
)

ANCHORED = (
    anchored("TWITCH_TOKEN", "Twitch OAuth token", "communication", "twitch", r"(?:oauth:)?[a-z0-9]{30}"),
    anchored("GITTER_TOKEN", "Gitter token", "communication", "gitter", r"[a-f0-9]{40}"),
    anchored("PLIVO_AUTH_TOKEN", "Plivo auth token", "communication", "plivo", r"[A-Za-z0-9]{40}",
             severity="critical"),
    anchored("PUSHOVER_TOKEN", "Pushover token", "communication", "pushover", r"[a-z0-9]{30}"),
    anchored("MESSAGEBIRD_KEY", "MessageBird (Bird) access key", "communication", "messagebird", r"[A-Za-z0-9]{25}"),
    anchored("SPARKPOST_KEY", "SparkPost API key", "communication", "sparkpost", r"[a-f0-9]{40}"),
    anchored("PLAID_SECRET", "Plaid secret", "payments", "plaid", r"[a-f0-9]{30}", severity="critical"),
    anchored("BINANCE_KEY", "Binance API key or secret", "payments", "binance", r"[A-Za-z0-9]{64}",
             severity="critical"),
    anchored("ETHERSCAN_KEY", "Etherscan API key", "saas", "etherscan bscscan polygonscan", r"[A-Z0-9]{34}"),
    anchored("INFURA_KEY", "Infura API key", "saas", "infura", r"[a-f0-9]{32}"),
    anchored("ALCHEMY_KEY", "Alchemy API key", "saas", "alchemy", r"[A-Za-z0-9_\-]{32}"),
    anchored("OPENWEATHER_KEY", "OpenWeather API key", "saas", "openweather openweathermap owm", r"[a-f0-9]{32}"),
    anchored("NEWSAPI_KEY", "NewsAPI key", "saas", "newsapi", r"[a-f0-9]{32}"),
    anchored("APILAYER_KEY", "apilayer access key", "saas",
             "apilayer ipstack weatherstack positionstack marketstack mailboxlayer currencylayer numverify "
             "aviationstack serpstack languagelayer", r"[a-f0-9]{32}"),
    anchored("RAPIDAPI_KEY", "RapidAPI key", "saas", "rapidapi", r"[A-Za-z0-9]{50}"),
    anchored("SERPAPI_KEY", "SerpApi key", "saas", "serpapi", r"[a-f0-9]{64}"),
    anchored("SCRAPERAPI_KEY", "ScraperAPI key", "saas", "scraperapi", r"[a-f0-9]{32}"),
    anchored("CLEARBIT_KEY", "Clearbit API key", "saas", "clearbit", r"sk_[a-f0-9]{32}"),
    anchored("TODOIST_TOKEN", "Todoist API token", "saas", "todoist", r"[a-f0-9]{40}"),
    anchored("DOCUSIGN_KEY", "DocuSign integration key or secret", "saas", "docusign", _UUID),
    anchored("HELLOSIGN_KEY", "Dropbox Sign (HelloSign) API key", "saas", "hellosign", r"[a-f0-9]{64}"),
    anchored("SANITY_TOKEN", "Sanity API token", "saas", "sanity", r"sk[A-Za-z0-9]{70,200}"),
    anchored("LOGGLY_TOKEN", "Loggly customer token", "saas", "loggly", _UUID),
)
