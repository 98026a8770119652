"""Infrastructure and SaaS: observability, secrets managers, identity, databases, productivity.

Each format is the provider's documented token shape: New Relic ``NRAK-`` + 27 (user
key), ``NRII-``/``NRJS-``/``NRAA-``; Sentry ``sntrys_`` (org token, base64 JSON + secret)
and ``sntryu_`` + 64 hex; Heroku ``HRKU-``; Linear ``lin_api_`` + 40; Notion
``secret_`` + 43 or ``ntn_``; Postman ``PMAK-`` + 24 hex + ``-`` + 34 hex; Doppler
``dp.pt.``/``dp.st.``/``dp.sa.``/``dp.ct.``; HashiCorp Vault ``hvs.``/``hvb.``/``hvr.``;
Grafana ``glsa_`` service-account and ``glc_`` cloud tokens; Databricks ``dapi`` + 32
hex; PlanetScale ``pscale_tkn_``/``pscale_pw_``; Tailscale ``tskey-``; Supabase ``sbp_``;
Airtable ``pat<14>.<64 hex>``; Contentful ``CFPAT-``; Mapbox secret ``sk.eyJ``;
Dynatrace ``dt0c01.``; 1Password service accounts ``ops_eyJ``; age ``AGE-SECRET-KEY-1``;
PostHog ``phx_`` (personal; ``phc_`` project keys are public); ClickUp ``pk_<user id>_<32>``;
Zoho ``1000.<32 hex>.<32 hex>``; Fly.io ``FlyV1 fm2_...`` macaroons; Salesforce
``00D<org id>!<token>``; Defined Networking ``dnkey-``; ``cloudinary://<key>:<secret>@<cloud>``; Neon ``napi_``; Stytch ``secret-test-``/``secret-live-``; 42 Intra
``s-s4t2ud-`` + 64 hex; Adobe ``p8e-`` + 32; Ghost Admin ``<24 hex>:<64 hex>``; Bitwarden Secrets Manager
``0.<uuid>.<30>:<key>``; Honeycomb ``hcaik_``/``hcxik_``; Dropbox ``sl.`` + 130 or more; Harvest ``<account>.pt.<base64url>``.
Onfido ``api_live.``/``api_sandbox.``; Zuplo ``zpka_``; Samsara ``samsara_api_``; Statsig ``secret-``;
Flagsmith ``ser.``; Rootly ``rootly_``; Pangea ``pts_``; Cal.com ``cal_live_``; Postman ``PMAT-``; Infisical
``st.``; ImageKit ``private_`` (``public_`` claimed); Rancher ``token-<5>:<54>``; Portainer ``ptr_``; DevCycle
``dvc_server_``; WakaTime ``waka_``; Unkey ``unkey_``; Lichess ``lip_``.
"""

from __future__ import annotations

from guards.analyzers.securityguard.secrets.checks import bech32_ok, json_token_ok
from guards.analyzers.securityguard.secrets.rules import anchored, prefixed

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _mixed_classes(value: str) -> bool:
    """Digits, upper- and lower-case letters all present: a random body, not an attribute name."""
    return any(c.isdigit() for c in value) and any(c.isupper() for c in value) and any(c.islower() for c in value)


RULES = (
    prefixed("NEW_RELIC_KEY", "New Relic API key", "saas", r"NR(?:AK|II|AA|SP)-[A-Z0-9]{27}", "NRAK-", "NRII-",
             "NRAA-", "NRSP-", exact=True),
    prefixed("NEW_RELIC_KEY", "New Relic browser key", "saas", r"NRJS-[a-f0-9]{19}", "NRJS-", severity="high"),
    prefixed("NEW_RELIC_KEY", "New Relic license key", "saas", r"[A-Fa-f0-9]{36}NRAL", "NRAL"),
    # 42 + -NRMA; the tail on a body of another length is a truncated token, claimed and not reported
    prefixed("NEW_RELIC_KEY", "New Relic mobile app token", "saas", r"[A-Za-z0-9]{16,80}-NRMA", "-NRMA",
             validator=lambda v: len(v) == 47, strict=True),
    prefixed("HUBSPOT_TOKEN", "HubSpot private app token", "saas", rf"pat-(?:na|eu|ap)\d{{1,2}}-{_UUID}", "pat-"),
    prefixed("SENTRY_TOKEN", "Sentry organisation auth token", "saas", r"sntrys_eyJ[A-Za-z0-9+/=]{60,400}_"
             r"[A-Za-z0-9+/]{43}", "sntrys_"),
    prefixed("SENTRY_TOKEN", "Sentry user auth token", "saas", r"sntryu_[a-f0-9]{64}", "sntryu_"),
    prefixed("HEROKU_API_KEY", "Heroku API key", "saas", r"HRKU-[A-Za-z0-9_\-]{58,64}", "HRKU-"),
    prefixed("LINEAR_API_KEY", "Linear API key", "saas", r"lin_api_[A-Za-z0-9]{40}", "lin_api_", exact=True),
    prefixed("LINEAR_API_KEY", "Linear OAuth token", "saas", r"lin_oauth_[a-f0-9]{64}", "lin_oauth_"),
    prefixed("NOTION_TOKEN", "Notion integration token", "saas", r"ntn_[0-9]{11}[A-Za-z0-9]{35}", "ntn_"),
    prefixed("NOTION_TOKEN", "Notion integration token (legacy)", "saas", r"secret_[A-Za-z0-9]{43}", "secret_"),
    prefixed("POSTMAN_API_KEY", "Postman API key", "saas", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", "PMAK-"),
    prefixed("DOPPLER_TOKEN", "Doppler token", "saas", r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9_\-]{40,50}",
             "dp."),
    prefixed("VAULT_TOKEN", "HashiCorp Vault token", "saas", r"hv[sbr]\.[A-Za-z0-9_\-]{24,200}", "hvs.", "hvb.",
             "hvr."),
    prefixed("GRAFANA_TOKEN", "Grafana service account token", "saas", r"glsa_[A-Za-z0-9]{32}_[a-fA-F0-9]{8}",
             "glsa_"),
    prefixed("GRAFANA_TOKEN", "Grafana Cloud access policy token", "saas", r"glc_eyJ[A-Za-z0-9+/=_\-]{60,400}",
             "glc_eyJ"),
    prefixed("DATABRICKS_TOKEN", "Databricks personal access token", "saas", r"dapi[a-f0-9]{32}(?:-\d)?", "dapi"),
    prefixed("DATABRICKS_TOKEN", "Databricks OAuth secret", "saas", r"dose[a-f0-9]{32}", "dose", severity="high"),
    # legacy Grafana API keys: base64 of {"k": <key>, "n": <name>, "id": <org>}
    prefixed("GRAFANA_TOKEN", "Grafana API key (legacy)", "saas", r"eyJrIjoi[A-Za-z0-9+/]{40,200}={0,2}", "eyJrIjoi",
             validator=json_token_ok("k", "n", "id"), strict=True),
    prefixed("PLANETSCALE_TOKEN", "PlanetScale token or password", "saas",
             r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_\-.=]{32,64}", "pscale_"),
    prefixed("TAILSCALE_KEY", "Tailscale key", "saas", r"tskey-(?:api|auth|client|webhook|scim)-[A-Za-z0-9]{6,20}-"
             r"[A-Za-z0-9]{20,70}", "tskey-"),
    prefixed("SUPABASE_TOKEN", "Supabase access token", "saas", r"sbp_[a-f0-9]{40}", "sbp_"),
    prefixed("SUPABASE_TOKEN", "Supabase secret key", "saas", r"sb_secret_[A-Za-z0-9_\-]{31,40}", "sb_secret_"),
    prefixed("NETLIFY_TOKEN", "Netlify personal access token", "saas", r"nfp_[A-Za-z0-9]{36}", "nfp_"),
    prefixed("RENDER_API_KEY", "Render API key", "saas", r"rnd_[A-Za-z0-9]{32}", "rnd_"),
    prefixed("FLY_TOKEN", "Fly.io token", "saas", r"fo1_[A-Za-z0-9_\-]{43}", "fo1_"),
    prefixed("FIGMA_TOKEN", "Figma personal access token", "saas", r"figd_[A-Za-z0-9_\-]{40}", "figd_"),
    prefixed("AIRTABLE_TOKEN", "Airtable personal access token", "saas", r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}", "pat"),
    prefixed("TYPEFORM_TOKEN", "Typeform personal access token", "saas", r"tfp_[A-Za-z0-9_\-.]{40,60}", "tfp_"),
    prefixed("CONTENTFUL_TOKEN", "Contentful personal access token", "saas", r"CFPAT-[A-Za-z0-9_\-]{43}", "CFPAT-"),
    prefixed("MAPBOX_SECRET_TOKEN", "Mapbox secret token", "saas", r"sk\.eyJ[A-Za-z0-9_\-]{20,120}\."
             r"[A-Za-z0-9_\-]{20,40}", "sk.eyJ"),
    prefixed("MAPBOX_PUBLIC_TOKEN", "Mapbox public token", "saas", r"pk\.eyJ[A-Za-z0-9_\-]{20,120}\.[A-Za-z0-9_\-]{20,40}",
             "pk.eyJ", severity="info", report=False),
    prefixed("DYNATRACE_TOKEN", "Dynatrace API token", "saas", r"dt0[a-z]\d{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}", "dt0"),
    prefixed("ONEPASSWORD_TOKEN", "1Password service account token", "saas", r"ops_eyJ[A-Za-z0-9+/=_\-]{100,1000}",
             "ops_eyJ"),
    prefixed("ONEPASSWORD_SECRET_KEY", "1Password secret key", "saas",
             r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}", "A3-"),
    prefixed("AGE_SECRET_KEY", "age encryption secret key", "private_key", r"AGE-SECRET-KEY-1[0-9A-Z]{58}",
             "AGE-SECRET-KEY-1", validator=bech32_ok, strict=True),
    prefixed("PREFECT_TOKEN", "Prefect API key", "saas", r"pnu_[A-Za-z0-9]{36}", "pnu_"),
    prefixed("LAUNCHDARKLY_KEY", "LaunchDarkly SDK or API key", "saas", rf"(?:api|sdk|mob)-{_UUID}", "api-", "sdk-", "mob-",
             severity="high"),
    prefixed("OCTOPUS_API_KEY", "Octopus Deploy API key", "saas", r"API-[A-Z0-9]{26,32}", "API-", severity="high"),
    prefixed("HARNESS_TOKEN", "Harness access token", "saas", r"(?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[a-f0-9]{24}\."
             r"[A-Za-z0-9]{20}", "pat.", "sat.", exact=True),
    prefixed("ASANA_TOKEN", "Asana personal access token", "saas", r"[12]/\d{10,16}(?:/\d{10,16})?:[a-f0-9]{32}", ":",
             severity="high"),
    prefixed("README_API_KEY", "ReadMe API key", "saas", r"rdme_[a-z0-9]{70}", "rdme_"),
    prefixed("INFRACOST_KEY", "Infracost API key", "saas", r"ico-[A-Za-z0-9]{32}", "ico-"),
    prefixed("SCALINGO_TOKEN", "Scalingo API token", "saas", r"tk-us-[A-Za-z0-9_\-]{48}", "tk-us-"),
    prefixed("FRAMEIO_TOKEN", "Frame.io developer token", "saas", r"fio-u-[A-Za-z0-9_\-=]{64}", "fio-u-"),
    prefixed("ADAFRUIT_KEY", "Adafruit IO key", "saas", r"aio_[A-Za-z0-9]{28}", "aio_"),
    prefixed("POSTHOG_KEY", "PostHog personal API key", "saas", r"phx_[A-Za-z0-9]{43}", "phx_"),
    prefixed("POSTHOG_KEY", "PostHog project key", "saas", r"phc_[A-Za-z0-9]{43}", "phc_", severity="info",
             report=False),
    prefixed("CLICKUP_TOKEN", "ClickUp personal API token", "saas", r"pk_\d{4,10}_[A-Z0-9]{32}", "pk_"),
    prefixed("ZOHO_TOKEN", "Zoho OAuth token", "saas", r"1000\.[a-f0-9]{32}\.[a-f0-9]{32}", "1000.", exact=True),
    prefixed("FLY_TOKEN", "Fly.io macaroon token", "saas",
             r"FlyV1 fm[12][a-z]?_[A-Za-z0-9+/=_\-]{40,}(?:,fm[12][a-z]?_[A-Za-z0-9+/=_\-]{20,})*", "FlyV1 "),
    prefixed("SALESFORCE_TOKEN", "Salesforce session ID / access token", "saas",
             r"00D[A-Za-z0-9]{12}![A-Za-z0-9_.]{80,200}", "!"),
    prefixed("DEFINED_NETWORKING_KEY", "Defined Networking API key", "saas", r"dnkey-[a-z0-9=_\-]{26}-[a-z0-9=_\-]{52}",
             "dnkey-"),
    prefixed("NEON_API_KEY", "Neon API key", "saas", r"napi_[a-z0-9]{60,72}", "napi_"),
    prefixed("STYTCH_SECRET", "Stytch project secret", "saas", r"secret-(?:test|live)-[A-Za-z0-9_\-]{30,44}={0,2}",
             "secret-test-", "secret-live-"),
    # 42 (Intra) OAuth application secrets: s-s4t2ud- / s-s4t2af- + 64 hex
    prefixed("INTRA42_SECRET", "42 Intra OAuth client secret", "saas", r"s-s4t2(?:ud|af)-[a-f0-9]{64}", "s-s4t2"),
    # Adobe Developer Console OAuth client secrets
    prefixed("ADOBE_CLIENT_SECRET", "Adobe client secret", "saas", r"p8e-[A-Za-z0-9_\-]{32}", "p8e-"),
    # Ghost Admin API key: <24 hex id>:<64 hex secret>
    prefixed("GHOST_ADMIN_KEY", "Ghost Admin API key", "saas", r"[a-f0-9]{24}:[a-f0-9]{64}", ":"),
    # Bitwarden Secrets Manager machine-account access token: 0.<uuid>.<30 secret>:<base64 key>
    prefixed("BITWARDEN_ACCESS_TOKEN", "Bitwarden Secrets Manager access token", "saas",
             rf"0\.{_UUID}\.[A-Za-z0-9]{{30}}:[A-Za-z0-9+/]{{22,24}}={{0,2}}", "0."),
    # Honeycomb ingest and management keys (2023): hcaik_ / hcxik_ / hcamk_ / hcxmk_
    prefixed("HONEYCOMB_KEY", "Honeycomb API key", "saas", r"hc[ax][im]k_[a-z0-9]{20,80}", "hcaik_", "hcxik_",
             "hcamk_", "hcxmk_"),
    # Harvest personal access tokens: <account id>.pt.<base64url>
    prefixed("HARVEST_TOKEN", "Harvest personal access token", "saas", r"\d{5,10}\.pt\.[A-Za-z0-9_\-]{60,100}", ".pt."),
    prefixed("DROPBOX_TOKEN", "Dropbox access token", "saas", r"sl\.(?:u\.)?[A-Za-z0-9_\-]{130,1400}", "sl."),
    # Onfido API tokens: api_live. / api_sandbox. (regional api_live_us.) + 11 + "." + 32
    prefixed("ONFIDO_TOKEN", "Onfido API token", "saas",
             r"api_(?:live|sandbox)(?:_(?:us|ca))?\.[A-Za-z0-9_\-]{11}\.[A-Za-z0-9_\-]{32}", "api_live", "api_sandbox"),
    # Zuplo API keys: zpka_ + 32 hex + "_" + 8 hex
    prefixed("ZUPLO_KEY", "Zuplo API key", "saas", r"zpka_[a-f0-9]{32}_[a-f0-9]{8}", "zpka_"),
    prefixed("SAMSARA_TOKEN", "Samsara API token", "saas", r"samsara_api_[A-Za-z0-9]{30}", "samsara_api_"),
    # Statsig server secret keys: secret- + 43 base62 (client keys, client-..., are public)
    prefixed("STATSIG_SECRET", "Statsig server secret key", "saas", r"secret-[A-Za-z0-9]{43}", "secret-"),
    # Flagsmith server-side environment keys: ser. + 22 base62 (a mixed-case random body, not a name)
    prefixed("FLAGSMITH_SERVER_KEY", "Flagsmith server-side environment key", "saas", r"ser\.[A-Za-z0-9]{22}",
             "ser.", validator=_mixed_classes, strict=True, severity="high"),
    prefixed("ROOTLY_KEY", "Rootly API key", "saas", r"rootly_[a-f0-9]{64}", "rootly_"),
    prefixed("PANGEA_TOKEN", "Pangea API token", "saas", r"pts_[a-z0-9]{32}", "pts_", severity="high"),
    prefixed("CALCOM_KEY", "Cal.com API key", "saas", r"cal_(?:live|test)_[a-f0-9]{32}", "cal_live_", "cal_test_"),
    # Postman collection access keys: PMAT- + 26 upper-case base32
    prefixed("POSTMAN_API_KEY", "Postman collection access key", "saas", r"PMAT-[A-Z0-9]{26}", "PMAT-",
             severity="high"),
    # Infisical service tokens: st.<24 hex id>.<32 hex>.<32 hex>
    prefixed("INFISICAL_TOKEN", "Infisical service token", "saas", r"st\.[a-f0-9]{24}\.[a-f0-9]{32}\.[a-f0-9]{32}",
             "st."),
    # ImageKit private keys: private_ + 27 base64 + "="; the public_ key ships in pages
    prefixed("IMAGEKIT_PRIVATE_KEY", "ImageKit private key", "saas", r"private_[A-Za-z0-9+/]{27}=", "private_",
             bounded=False),
    prefixed("IMAGEKIT_PUBLIC_KEY", "ImageKit public key", "saas", r"public_[A-Za-z0-9+/]{27}=", "public_",
             bounded=False, severity="info", report=False),
    prefixed("CLOUDINARY_URL", "Cloudinary URL with API secret", "saas",
             r"cloudinary://\d{12,16}:[A-Za-z0-9_\-]{20,40}@[A-Za-z0-9_\-]+", "cloudinary://", group=0),
    # Rancher API tokens: token-<5>:<54>; Portainer access tokens: ptr_ + base64
    prefixed("RANCHER_TOKEN", "Rancher API token", "saas", r"token-[a-z0-9]{5}:[a-z0-9]{54}", "token-"),
    prefixed("PORTAINER_TOKEN", "Portainer access token", "saas", r"ptr_[A-Za-z0-9+/]{40,50}={0,2}", "ptr_"),
    # DevCycle SDK keys: dvc_server_ is secret; client and mobile keys ship in apps
    prefixed("DEVCYCLE_SERVER_KEY", "DevCycle server SDK key", "saas", r"dvc_server_[A-Za-z0-9_\-]{30,80}", "dvc_server_"),
    prefixed("DEVCYCLE_CLIENT_KEY", "DevCycle client SDK key", "saas", r"dvc_(?:client|mobile)_[A-Za-z0-9_\-]{30,80}",
             "dvc_client_", "dvc_mobile_", severity="info", report=False),
    # WakaTime API keys (often in dotfiles): waka_ + a UUID; Unkey root keys: unkey_; Lichess tokens: lip_ + 20
    prefixed("WAKATIME_KEY", "WakaTime API key", "saas", rf"waka_{_UUID}", "waka_"),
    prefixed("UNKEY_ROOT_KEY", "Unkey root key", "saas", r"unkey_[A-Za-z0-9]{20,40}", "unkey_"),
    prefixed("LICHESS_TOKEN", "Lichess personal API token", "saas", r"lip_[A-Za-z0-9]{20}", "lip_", severity="medium"),
)

ANCHORED = (
    anchored("DATADOG_API_KEY", "Datadog API key", "saas", "datadog dd_ dd-", r"[a-f0-9]{32}"),
    anchored("DATADOG_APP_KEY", "Datadog application key", "saas", "datadog dd_ dd-", r"[a-f0-9]{40}"),
    anchored("OKTA_TOKEN", "Okta API token", "saas", "okta ssws", r"00[A-Za-z0-9_\-]{40}", severity="critical"),
    anchored("SENTRY_TOKEN", "Sentry auth token (legacy)", "saas", "sentry", r"[a-f0-9]{64}"),
    anchored("NEW_RELIC_KEY", "New Relic license key (legacy)", "saas", "newrelic new_relic nr_", r"[a-f0-9]{40}"),
    anchored("ALGOLIA_KEY", "Algolia admin API key", "saas", "algolia", r"[a-f0-9]{32}"),
    anchored("PAGERDUTY_KEY", "PagerDuty API key", "saas", "pagerduty", r"[A-Za-z0-9_+\-]{20}"),
    anchored("SNYK_TOKEN", "Snyk API token", "saas", "snyk", _UUID),
    anchored("FASTLY_TOKEN", "Fastly API token", "saas", "fastly", r"[A-Za-z0-9_\-]{32}"),
    anchored("AUTH0_SECRET", "Auth0 client secret", "saas", "auth0", r"[A-Za-z0-9_\-]{64}"),
    anchored("SEGMENT_WRITE_KEY", "Segment write key", "saas", "segment", r"[A-Za-z0-9]{32}"),
    anchored("MIXPANEL_SECRET", "Mixpanel API secret", "saas", "mixpanel", r"[a-f0-9]{32}"),
    anchored("AMPLITUDE_KEY", "Amplitude API key", "saas", "amplitude", r"[a-f0-9]{32}"),
    anchored("VAULT_TOKEN", "HashiCorp Vault token (legacy)", "saas", "vault", r"s\.[A-Za-z0-9]{24}"),
    anchored("DROPBOX_TOKEN", "Dropbox access token", "saas", "dropbox", r"sl\.[A-Za-z0-9_\-]{130,160}"),
    anchored("HUBSPOT_TOKEN", "HubSpot API key (legacy)", "saas", "hubspot", _UUID),
    anchored("TRELLO_TOKEN", "Trello token", "saas", "trello", r"[a-f0-9]{64}|ATTA[a-f0-9]{64}[A-F0-9]{8}"),
    anchored("ROLLBAR_TOKEN", "Rollbar access token", "saas", "rollbar", r"[a-f0-9]{32}"),
    anchored("BUGSNAG_KEY", "Bugsnag API key", "saas", "bugsnag", r"[a-f0-9]{32}"),
    anchored("OPSGENIE_KEY", "Opsgenie API key", "saas", "opsgenie", _UUID),
    anchored("SPLUNK_HEC_TOKEN", "Splunk HEC token", "saas", "splunk hec", _UUID),
    anchored("SUMOLOGIC_KEY", "Sumo Logic access key", "saas", "sumo sumologic", r"[A-Za-z0-9]{64}"),
    anchored("MATTERMOST_TOKEN", "Mattermost access token", "saas", "mattermost", r"[a-z0-9]{26}"),
    anchored("FRESHDESK_KEY", "Freshdesk API key", "saas", "freshdesk", r"[A-Za-z0-9]{20}"),
    # identity providers
    anchored("CROWDSTRIKE_SECRET", "CrowdStrike Falcon API client secret", "saas", "crowdstrike falcon",
             r"[A-Za-z0-9]{40}", severity="critical", words="secret"),
    anchored("ONELOGIN_SECRET", "OneLogin API client secret", "saas", "onelogin", r"[a-f0-9]{64}", severity="critical"),
    anchored("JUMPCLOUD_KEY", "JumpCloud API key", "saas", "jumpcloud", r"[a-f0-9]{40}", severity="critical"),
    # productivity and web
    anchored("WEBFLOW_TOKEN", "Webflow API token", "saas", "webflow", r"[a-f0-9]{64}"),
    anchored("BITLY_TOKEN", "Bitly access token", "saas", "bitly", r"[a-f0-9]{40}"),
    anchored("SMARTSHEET_TOKEN", "Smartsheet API token", "saas", "smartsheet", r"[A-Za-z0-9]{26}|[A-Za-z0-9]{37}"),
    anchored("COINMARKETCAP_KEY", "CoinMarketCap API key", "saas", "coinmarketcap cmc_pro", _UUID),
    anchored("CONTENTFUL_TOKEN", "Contentful delivery or management token", "saas", "contentful", r"[A-Za-z0-9_\-]{43}"),
    # self-hosted media servers (commonly pasted with their config)
    anchored("ARR_API_KEY", "Sonarr / Radarr / Lidarr / Prowlarr API key", "saas", "sonarr radarr lidarr prowlarr readarr",
             r"[a-f0-9]{32}"),
)
