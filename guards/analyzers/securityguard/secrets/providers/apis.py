"""Web and data APIs whose keys carry no prefix, plus a few prefixed social and cloud tokens.

Most data APIs (weather, news, geo-IP, scraping, blockchain, e-signature) issue a bare hex or
alphanumeric key of a fixed length; only the provider named next to it says what it is, so
these are ``anchored`` rules: the name (in the key, the line or the lines before) and the
documented length and alphabet. The prefixed ones: AWS Bedrock API keys ``ABSK``,
Instagram user tokens ``IGQV``, Pinterest ``pina_``, Pushbullet ``o.`` + 32, Honeybadger
personal tokens ``hbp_``, LocationIQ ``pk.`` + 32, Telnyx v2 keys ``KEY`` + 32 upper-case hex + ``_`` + 22, PubNub secret keys ``sec-c-`` + 48,
MaxMind license keys ``<6>_<29>_mmk``, Tines webhook URLs ``<tenant>.tines.com/webhook/<32 hex>/<32 hex>``.
Foursquare ``fsq3``; Riot ``RGAPI-``; Infobip ``<32 hex>-<uuid>``; Covalent ``cqt_``; project keys in
Infura, Alchemy and QuickNode endpoint URLs; the Roblox session cookie.
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
    # PubNub secret keys (publish / subscribe keys ship in client apps; the secret key signs grants)
    prefixed("PUBNUB_SECRET_KEY", "PubNub secret key", "communication", r"sec-c-[A-Za-z0-9]{48}", "sec-c-"),
    # MaxMind license keys (2024 format): 6 + "_" + 29 + "_mmk"
    prefixed("MAXMIND_LICENSE_KEY", "MaxMind license key", "saas", r"[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk", "_mmk"),
    # Tines webhook URLs: the path's two 32-hex parts are the credential
    prefixed("TINES_WEBHOOK", "Tines webhook URL", "communication",
             r"https://[a-z0-9\-]{1,60}\.tines\.com/webhook/[a-f0-9]{32}/[a-f0-9]{32}", "tines.com", severity="high",
             bounded=False),
    prefixed("HONEYBADGER_TOKEN", "Honeybadger personal auth token", "saas", r"hbp_[A-Za-z0-9]{36}", "hbp_",
             severity="high"),
    # Foursquare Places API (v3) keys: fsq3 + 44 base64; Riot Games keys: RGAPI- + a UUID
    prefixed("FOURSQUARE_KEY", "Foursquare Places API key", "saas", r"fsq3[A-Za-z0-9+/]{40,48}={0,2}", "fsq3"),
    prefixed("RIOT_API_KEY", "Riot Games API key", "saas", rf"RGAPI-{_UUID}", "RGAPI-"),
    # Infobip API keys: 32 hex, "-", a UUID. The only literal is "-", so the rule runs on most texts:
    # the boundary is checked after the first character, which lets the regex engine skip to hex digits
    prefixed("INFOBIP_API_KEY", "Infobip API key", "communication",
             rf"[a-f0-9](?<![A-Za-z0-9_\-][a-f0-9])[a-f0-9]{{31}}-{_UUID}(?![A-Za-z0-9_\-])", "-", severity="high",
             bounded=False),
    # blockchain node endpoints carry the project key in the URL path
    prefixed("INFURA_KEY", "Infura project key in an endpoint URL", "saas",
             r"\.infura\.io/(?:v3|ws/v3)/([a-f0-9]{32})(?![A-Za-z0-9])", "infura.io", group=1, bounded=False),
    prefixed("ALCHEMY_KEY", "Alchemy API key in an endpoint URL", "saas",
             r"\.g\.alchemy\.com/v2/([A-Za-z0-9_\-]{32})(?![A-Za-z0-9_\-])", "alchemy.com", group=1, bounded=False),
    prefixed("QUICKNODE_TOKEN", "QuickNode endpoint token", "saas",
             r"\.quiknode\.pro/([a-f0-9]{40})(?![A-Za-z0-9])", "quiknode.pro", group=1, bounded=False),
    # Covalent (GoldRush) API keys: cqt_ + base32
    prefixed("COVALENT_KEY", "Covalent (GoldRush) API key", "saas", r"cqt_[A-Za-z0-9]{26,32}", "cqt_"),
    # Roblox session cookie (.ROBLOSECURITY): a fixed warning, then the hex session
    prefixed("ROBLOX_COOKIE", "Roblox session cookie (.ROBLOSECURITY)", "communication",
             r"_\|WARNING:-DO-NOT-SHARE-THIS\.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-"
             r"and-items\.\|_[A-F0-9]{100,1200}", "WARNING:-DO-NOT-SHARE-THIS", bounded=False, severity="high"),
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
    # security and threat-intelligence APIs
    anchored("SHODAN_KEY", "Shodan API key", "saas", "shodan", r"[A-Za-z0-9]{32}"),
    anchored("VIRUSTOTAL_KEY", "VirusTotal API key", "saas", "virustotal vt_api", r"[a-f0-9]{64}"),
    anchored("ABUSEIPDB_KEY", "AbuseIPDB API key", "saas", "abuseipdb", r"[a-f0-9]{80}"),
    anchored("URLSCAN_KEY", "urlscan.io API key", "saas", "urlscan", _UUID),
    anchored("SECURITYTRAILS_KEY", "SecurityTrails API key", "saas", "securitytrails", r"[A-Za-z0-9_\-]{32}"),
    anchored("HUNTER_KEY", "Hunter.io API key", "saas", "hunter_io hunterio hunter_api", r"[a-f0-9]{40}"),
    # testing clouds
    anchored("SAUCELABS_KEY", "Sauce Labs access key", "saas", "saucelabs sauce_access", _UUID),
    anchored("BROWSERSTACK_KEY", "BrowserStack access key", "saas", "browserstack", r"[A-Za-z0-9]{20}"),
    # media, maps and market data
    anchored("PIXABAY_KEY", "Pixabay API key", "saas", "pixabay", r"\d{7,9}-[a-f0-9]{25}"),
    anchored("SPOTIFY_SECRET", "Spotify client secret", "saas", "spotify", r"[a-f0-9]{32}"),
    anchored("STRAVA_SECRET", "Strava client secret or token", "saas", "strava", r"[a-f0-9]{40}"),
    anchored("LASTFM_KEY", "Last.fm API key or secret", "saas", "lastfm last_fm audioscrobbler", r"[a-f0-9]{32}"),
    anchored("FLICKR_KEY", "Flickr API key or secret", "saas", "flickr", r"[a-f0-9]{32}|[a-f0-9]{16}"),
    anchored("UNSPLASH_KEY", "Unsplash access or secret key", "saas", "unsplash", r"[A-Za-z0-9_\-]{43}"),
    anchored("TOMTOM_KEY", "TomTom API key", "saas", "tomtom", r"[A-Za-z0-9]{32}"),
    anchored("IPINFO_TOKEN", "ipinfo.io token", "saas", "ipinfo", r"[a-f0-9]{14}"),
    anchored("ALPHAVANTAGE_KEY", "Alpha Vantage API key", "saas", "alphavantage alpha_vantage", r"[A-Z0-9]{16}"),
    anchored("TIINGO_TOKEN", "Tiingo API token", "saas", "tiingo", r"[a-f0-9]{40}"),
    anchored("FINNHUB_KEY", "Finnhub API key", "saas", "finnhub", r"[a-z0-9]{20}"),
    anchored("IEX_CLOUD_KEY", "IEX Cloud secret token", "payments", "iexcloud iex_cloud iexapis", r"[ST]?sk_[a-f0-9]{32}"),
    anchored("KRAKEN_KEY", "Kraken API key or private key", "payments", "kraken",
             r"[A-Za-z0-9+/]{56}|[A-Za-z0-9+/]{86}==", severity="critical"),
    anchored("KUCOIN_KEY", "KuCoin API key or secret", "payments", "kucoin", r"[a-f0-9]{24}|" + _UUID,
             severity="critical"),
    anchored("SENDBIRD_TOKEN", "Sendbird API token", "communication", "sendbird", r"[a-f0-9]{40}"),
    anchored("AGORA_SECRET", "Agora app certificate or customer secret", "communication", "agora", r"[a-f0-9]{32}"),
    anchored("PIPEDRIVE_TOKEN", "Pipedrive API token", "saas", "pipedrive", r"[a-f0-9]{40}"),
    anchored("ZULIP_KEY", "Zulip API key", "communication", "zulip", r"[A-Za-z0-9]{32}"),
    anchored("KLAVIYO_KEY", "Klaviyo private API key", "saas", "klaviyo", r"pk_[a-f0-9]{34}"),
    anchored("NGROK_TOKEN", "ngrok authtoken or API key", "saas", "ngrok", r"[0-9A-Za-z]{27}_[0-9A-Za-z]{20,25}"),
    anchored("OANDA_TOKEN", "OANDA API access token", "payments", "oanda", r"[a-f0-9]{32}-[a-f0-9]{32}",
             severity="critical"),
    anchored("JOTFORM_KEY", "Jotform API key", "saas", "jotform", r"[a-f0-9]{32}"),
    anchored("TMDB_KEY", "TMDB API key", "saas", "tmdb themoviedb", r"[a-f0-9]{32}"),
    anchored("GIPHY_KEY", "GIPHY API key", "saas", "giphy", r"[A-Za-z0-9]{32}"),
    anchored("PANDADOC_KEY", "PandaDoc API key", "saas", "pandadoc", r"[a-f0-9]{40}"),
    anchored("GEOAPIFY_KEY", "Geoapify API key", "saas", "geoapify", r"[a-f0-9]{32}"),
    anchored("OPENCAGE_KEY", "OpenCage API key", "saas", "opencage", r"[a-f0-9]{32}"),
    anchored("RECAPTCHA_SECRET", "reCAPTCHA secret key", "saas", "recaptcha captcha", r"6L[A-Za-z0-9_\-]{38}",
             words="secret"),
    anchored("HCAPTCHA_SECRET", "hCaptcha secret key", "saas", "hcaptcha", r"0x[a-fA-F0-9]{40}", words="secret"),
    anchored("CODA_TOKEN", "Coda API token", "saas", "coda", _UUID),
    anchored("PEXELS_KEY", "Pexels API key", "saas", "pexels", r"[A-Za-z0-9]{56}"),
    anchored("OPENSEA_KEY", "OpenSea API key", "saas", "opensea", r"[a-f0-9]{32}"),
    anchored("PINATA_KEY", "Pinata API key or secret", "saas", "pinata", r"[a-f0-9]{20}|[a-f0-9]{64}"),
    # a digit is required where the documented alphabet is alphanumeric: a name of the same length is no key
    anchored("REDDIT_SECRET", "Reddit client secret", "communication", "reddit", r"(?=[^\d]*\d)[A-Za-z0-9_\-]{27,30}"),
    anchored("LINKEDIN_SECRET", "LinkedIn client secret", "communication", "linkedin", r"(?=[^\d]*\d)[A-Za-z0-9]{16}"),
    anchored("IMGUR_SECRET", "Imgur client secret", "saas", "imgur", r"[a-f0-9]{40}"),
    anchored("EVENTBRITE_TOKEN", "Eventbrite private token", "saas", "eventbrite", r"(?=[^\d]*\d)[A-Z0-9]{20}"),
    anchored("ETSY_KEY", "Etsy API keystring", "payments", "etsy", r"(?=[^\d]*\d)[a-z0-9]{24}"),
    anchored("RINGCENTRAL_SECRET", "RingCentral client secret", "communication", "ringcentral",
             r"(?=[^\d]*\d)[A-Za-z0-9_\-]{22}"),
)
