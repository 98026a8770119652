"""Cloud platforms: AWS, Google Cloud, Azure, IBM Cloud, Alibaba, DigitalOcean and friends.

Formats from the providers' documentation: AWS IAM unique-identifier prefixes (AKIA
long-term, ASIA temporary, ABIA/ACCA service credentials) followed by 16 upper-case
characters; Google API keys are ``AIza`` + 35 URL-safe characters and OAuth client
secrets ``GOCSPX-`` + 28; Azure storage account keys are 64 random bytes in base64,
Azure's newer "identifiable" keys embed a service signature (``+ASt``, ``+ACR``,
``+ASb``, ``+AEh``, ``AzFu``, ``AzSe``) at a fixed place; Yandex Cloud API keys start
``AQVN``; Amazon MWS tokens ``amzn.mws.`` + UUID; Deno Deploy ``ddp_`` + 36; cloudflared
tunnel tokens are base64 JSON naming ``a``, ``t`` and ``s``; Logic Apps trigger URLs carry ``sig=`` + 43. Linode, Vultr, Hetzner and Scaleway secret keys carry no prefix: their names type them.
More identifiable Azure keys carry their signature at a fixed place (Cosmos DB ``ACDb``, Batch ``+ABa``,
Redis ``AzCa``, IoT ``AIoT``, Relay ``+ARm``, AI services ``JQQJ99``); Yandex OAuth ``y0_``; Akamai EdgeGrid
``akab-``; DigitalOcean Spaces ``DO00``; Exoscale ``EXO``; Vercel ``vcp_``/``vci_``/``vca_``/``vcr_``/``vck_``;
Volcengine ``AKLT``; AppSync ``da2-``; Login with Amazon ``amzn1.oa2-cs.v1.`` and ``Atzr|``.
"""

from __future__ import annotations

from guards.analyzers.securityguard.secrets.checks import azure_account_key_ok, json_token_ok
from guards.analyzers.securityguard.secrets.rules import anchored, prefixed

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_B64 = "[A-Za-z0-9+/]"


def _b64_key(head: int, signature: str, tail: int, padding: str) -> str:
    """An Azure identifiable key: base64 with the service's signature after ``head`` characters."""
    return rf"(?<![A-Za-z0-9+/]){_B64}{{{head}}}{signature}{_B64}{{{tail}}}{padding}(?![A-Za-z0-9+/=])"


RULES = (
    prefixed("AWS_ACCESS_KEY", "AWS access key ID", "cloud", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}",
             "AKIA", "ASIA", "ABIA", "ACCA", exact=True, prefixes=("AKIA", "ASIA", "ABIA", "ACCA")),
    prefixed("AWS_SESSION_TOKEN", "AWS session token", "cloud",
             r"(?:FwoGZXIvYXdzE|IQoJb3JpZ2luX2Vj|IQoJb3JpZ2luX2V)[A-Za-z0-9/+]{100,2000}={0,2}",
             "FwoGZXIvYXdzE", "IQoJb3JpZ2luX2V", bounded=False),
    prefixed("GCP_API_KEY", "Google API key", "cloud", r"AIza[0-9A-Za-z_\-]{35}", "AIza", exact=True,
             prefixes=("AIza",)),
    prefixed("GCP_OAUTH_SECRET", "Google OAuth client secret", "cloud", r"GOCSPX-[0-9A-Za-z_\-]{28}", "GOCSPX-", exact=True),
    prefixed("GCP_OAUTH_TOKEN", "Google OAuth access token", "cloud", r"ya29\.[0-9A-Za-z_\-]{30,500}", "ya29.",
             severity="high"),
    prefixed("GCP_OAUTH_TOKEN", "Google OAuth refresh token", "cloud", r"1//0[0-9A-Za-z_\-]{40,200}", "1//0",
             severity="high"),
    prefixed("GCP_SERVICE_ACCOUNT_KEY", "Google service-account key file", "cloud",
             r"\"private_key_id\"\s*:\s*\"([0-9a-f]{40})\"", "private_key_id", group=1, bounded=False),
    prefixed("AZURE_STORAGE_KEY", "Azure storage account key", "cloud",
             r"AccountKey=([A-Za-z0-9+/]{86}==)", "AccountKey=", group=1, validator=azure_account_key_ok,
             bounded=False),
    prefixed("AZURE_STORAGE_KEY", "Azure storage account key", "cloud",
             r"[A-Za-z0-9+/]{76}\+ASt[A-Za-z0-9+/]{6}==", "+ASt", bounded=False),
    prefixed("AZURE_CONNECTION_STRING", "Azure Service Bus / Event Hubs shared access key", "cloud",
             r"SharedAccessKey=([A-Za-z0-9+/]{42,43}=)", "SharedAccessKey=", group=1, bounded=False),
    prefixed("AZURE_CONNECTION_STRING", "Azure Service Bus / Event Hubs / Relay shared access key", "cloud",
             r"[A-Za-z0-9+/]{33}\+A(?:Sb|Eh|Rm)[A-Za-z0-9+/]{6}=", "+ASb", "+AEh", "+ARm", bounded=False),
    # more identifiable keys: the service's signature at a fixed place of the base64 key (64 bytes:
    # 76 + signature + 6 + "=="; 32 bytes: 33 + signature + 6 + "="), AI services 84 base62 with JQQJ99 at 52
    prefixed("AZURE_COSMOSDB_KEY", "Azure Cosmos DB account key", "cloud", _b64_key(76, "ACDb", 6, "=="), "ACDb",
             bounded=False),
    prefixed("AZURE_BATCH_KEY", "Azure Batch account key", "cloud", _b64_key(76, r"\+ABa", 6, "=="), "+ABa",
             bounded=False),
    prefixed("AZURE_REDIS_KEY", "Azure Cache for Redis access key", "cloud", _b64_key(33, "AzCa", 6, "="), "AzCa",
             bounded=False),
    prefixed("AZURE_IOT_KEY", "Azure IoT Hub / device shared access key", "cloud", _b64_key(33, "AIoT", 6, "="),
             "AIoT", bounded=False),
    prefixed("AZURE_AI_SERVICES_KEY", "Azure AI services (Cognitive Services / Azure OpenAI) key", "cloud",
             r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{26}", "JQQJ99"),
    prefixed("AZURE_CONTAINER_REGISTRY_KEY", "Azure Container Registry access key", "cloud",
             r"[A-Za-z0-9+/]{42}\+ACR[A-Za-z0-9+/]{6}", "+ACR", bounded=False),
    prefixed("AZURE_FUNCTION_KEY", "Azure Functions key", "cloud", r"[A-Za-z0-9_\-]{44}AzFu[A-Za-z0-9_\-]{5}==",
             "AzFu", bounded=False),
    prefixed("AZURE_SEARCH_KEY", "Azure AI Search key", "cloud", r"[A-Za-z0-9]{42}AzSe[A-Za-z0-9]{6}", "AzSe"),
    prefixed("AZURE_CLIENT_SECRET", "Azure AD (Entra ID) client secret", "cloud",
             r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}", "Q~", severity="high"),
    prefixed("AZURE_SAS_TOKEN", "Azure shared access signature", "cloud",
             r"[?&;]sv=\d{4}-\d\d-\d\d[^\s\"'<>]{0,400}?[&;]sig=([A-Za-z0-9%+/]{40,90}(?:%3D|=){0,2})",
             "sig=", group=1, severity="high", bounded=False),
    prefixed("AZURE_DEVOPS_PAT", "Azure DevOps personal access token", "cloud",
             r"[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}", "AZDO"),
    prefixed("IBM_CLOUD_API_KEY", "IBM Cloud API key", "cloud",
             r"https?://api\.softlayer\.com/soap/v3(?:\.1)?/([a-z0-9]{64})", "softlayer.com", group=1, bounded=False),
    prefixed("ALIBABA_ACCESS_KEY", "Alibaba Cloud AccessKey ID", "cloud", r"LTAI[A-Za-z0-9]{12,20}", "LTAI",
             severity="high"),
    prefixed("DIGITALOCEAN_TOKEN", "DigitalOcean token", "cloud", r"do[opr]_v1_[a-f0-9]{64}",
             "dop_v1_", "doo_v1_", "dor_v1_", exact=True),
    prefixed("SCALEWAY_ACCESS_KEY", "Scaleway access key", "cloud", r"SCW[A-Z0-9]{17}", "SCW", severity="high"),
    prefixed("TENCENT_SECRET_ID", "Tencent Cloud SecretId", "cloud", r"AKID[A-Za-z0-9]{32}", "AKID", severity="high"),
    prefixed("CLOUDFLARE_CA_KEY", "Cloudflare Origin CA key", "cloud", r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}", "v1.0-"),
    # Cloudflare's scannable credentials (2025): cfk_ global key, cfut_ user token, cfat_ account
    # token, each 40 characters and a checksum of undocumented width
    prefixed("CLOUDFLARE_API_TOKEN", "Cloudflare API token or key", "cloud", r"cf(?:k|ut|at)_[A-Za-z0-9]{41,60}",
             "cfk_", "cfut_", "cfat_", exact=True),
    # Amazon Marketplace Web Service auth tokens: amzn.mws. + a UUID
    prefixed("AMAZON_MWS_TOKEN", "Amazon MWS auth token", "cloud", rf"amzn\.mws\.{_UUID}", "amzn.mws."),
    # Deno Deploy personal access tokens: ddp_ + 36 base62
    prefixed("DENO_DEPLOY_TOKEN", "Deno Deploy access token", "cloud", r"ddp_[A-Za-z0-9]{36}", "ddp_", exact=True),
    # cloudflared tunnel tokens: base64 of {"a": account tag, "t": tunnel id, "s": tunnel secret}
    prefixed("CLOUDFLARE_TUNNEL_TOKEN", "Cloudflare Tunnel token", "cloud", r"eyJhIjoi[A-Za-z0-9+/]{60,400}={0,2}",
             "eyJhIjoi", validator=json_token_ok("a", "t", "s"), strict=True),
    # Azure Logic Apps / Power Automate HTTP triggers: the sig= query parameter is the credential
    prefixed("AZURE_LOGIC_APP_URL", "Azure Logic Apps / Power Automate trigger URL", "cloud",
             r"https://[a-z0-9\-.]{1,80}\.logic\.azure\.com(?::\d+)?/workflows/[0-9a-f]{32}/triggers/[^\s\"'<>]{1,300}?"
             r"[?&]sig=([A-Za-z0-9_\-]{43})", "logic.azure.com", group=1, severity="high", bounded=False),
    prefixed("YANDEX_API_KEY", "Yandex Cloud API key", "cloud", r"AQVN[A-Za-z0-9_\-]{35,38}", "AQVN"),
    # Yandex OAuth tokens: y0_ (y1_, y2_, y3_) + 55 base64url
    prefixed("YANDEX_OAUTH_TOKEN", "Yandex OAuth token", "cloud", r"y[0-3]_[A-Za-z0-9_\-]{55}", "y0_", "y1_", "y2_",
             "y3_", severity="high"),
    # Akamai EdgeGrid (.edgerc): client_token and access_token are akab-<random>-<random>; the API
    # host has the same head but continues with .luna.akamaiapis.net and is not a credential
    prefixed("AKAMAI_EDGEGRID_TOKEN", "Akamai EdgeGrid client or access token", "cloud",
             r"akab-[a-z0-9]{16,32}-[a-z0-9]{6,16}(?!\.)", "akab-", severity="high"),
    # DigitalOcean Spaces access keys: DO00 + 16; Exoscale API keys: EXO + 24 hex
    prefixed("DIGITALOCEAN_SPACES_KEY", "DigitalOcean Spaces access key", "cloud", r"DO00[A-Z0-9]{16}", "DO00",
             severity="high"),
    prefixed("EXOSCALE_API_KEY", "Exoscale API key", "cloud", r"EXO[a-f0-9]{24}", "EXO", severity="high"),
    # Vercel (2025): vcp_ personal, vci_ integration, vca_ / vcr_ app access / refresh, vck_ API keys
    prefixed("VERCEL_TOKEN", "Vercel token or API key", "cloud", r"vc[pikar]_[A-Za-z0-9]{24,80}", "vcp_", "vci_",
             "vca_", "vcr_", "vck_"),
    # Volcengine (ByteDance cloud) access key ids: AKLT + base64url
    prefixed("VOLCENGINE_ACCESS_KEY", "Volcengine access key ID", "cloud", r"AKLT[A-Za-z0-9_\-]{40,60}", "AKLT",
             severity="high"),
    # AWS AppSync API keys: da2- + 26 lower-case base36
    prefixed("AWS_APPSYNC_KEY", "AWS AppSync API key", "cloud", r"da2-[a-z0-9]{26}", "da2-", severity="medium"),
    # Login with Amazon (Selling Partner API): client secrets amzn1.oa2-cs.v1. + 64 hex; refresh and access
    # tokens Atzr| / Atza| + base64url
    prefixed("AMAZON_LWA_SECRET", "Login with Amazon client secret", "cloud", r"amzn1\.oa2-cs\.v1\.[a-f0-9]{64}",
             "amzn1.oa2-cs.v1."),
    prefixed("AMAZON_LWA_TOKEN", "Login with Amazon refresh or access token", "cloud",
             r"Atz[ra]\|[A-Za-z0-9_\-+/=]{100,1000}", "Atzr|", "Atza|", bounded=False, severity="high"),
)

ANCHORED = (
    anchored("AWS_SECRET_KEY", "AWS secret access key", "cloud", "aws amazon", r"[A-Za-z0-9/+]{40}",
             severity="critical", words="secret"),
    anchored("AZURE_STORAGE_KEY", "Azure storage account key", "cloud", "azure storage account",
             r"[A-Za-z0-9+/]{86}==", severity="critical"),
    anchored("AZURE_DEVOPS_PAT", "Azure DevOps personal access token", "cloud", "azure devops ado vsts",
             r"[a-z2-7]{52}"),
    anchored("IBM_CLOUD_API_KEY", "IBM Cloud API key", "cloud", "ibm iam bluemix", r"[A-Za-z0-9_\-]{44}"),
    anchored("IBM_CLOUD_API_KEY", "IBM Cloud API key", "cloud", "softlayer sl slapi", r"[a-z0-9]{64}"),
    anchored("IBM_COS_HMAC_SECRET", "IBM Cloud Object Storage HMAC secret", "cloud", "cos hmac secret_access", r"[a-f0-9]{48}",
             words="secret"),
    anchored("CLOUDANT_CREDENTIAL", "IBM Cloudant credential", "cloud", "cloudant", r"[0-9a-f]{64}|[a-z]{24}"),
    anchored("HEROKU_API_KEY", "Heroku API key", "cloud", "heroku",
             r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    anchored("CLOUDFLARE_API_TOKEN", "Cloudflare API token", "cloud", "cloudflare cf_", r"[A-Za-z0-9_\-]{40}"),
    anchored("CLOUDFLARE_API_KEY", "Cloudflare global API key", "cloud", "cloudflare cf_", r"[a-f0-9]{37}"),
    anchored("VERCEL_TOKEN", "Vercel token", "cloud", "vercel", r"[A-Za-z0-9]{24}"),
    anchored("CONFLUENT_SECRET", "Confluent Cloud API secret", "cloud", "confluent", r"[A-Za-z0-9+/]{64}",
             severity="critical"),
    anchored("LINODE_TOKEN", "Linode (Akamai) personal access token", "cloud", "linode", r"[a-f0-9]{64}"),
    anchored("VULTR_API_KEY", "Vultr API key", "cloud", "vultr", r"[A-Z0-9]{36}"),
    anchored("HETZNER_TOKEN", "Hetzner Cloud API token", "cloud", "hetzner hcloud", r"[A-Za-z0-9]{64}"),
    anchored("SCALEWAY_SECRET_KEY", "Scaleway secret key", "cloud", "scaleway scw", _UUID, severity="critical"),
    anchored("EXOSCALE_API_SECRET", "Exoscale API secret", "cloud", "exoscale", r"[A-Za-z0-9_\-]{43}",
             severity="critical"),
    anchored("DIGITALOCEAN_SPACES_SECRET", "DigitalOcean Spaces secret key", "cloud", "spaces digitalocean",
             r"[A-Za-z0-9+/]{43}", severity="critical", words="secret"),
    anchored("AKAMAI_CLIENT_SECRET", "Akamai EdgeGrid client secret", "cloud", "akamai edgegrid edgerc",
             r"[A-Za-z0-9+/]{43}=", severity="critical"),
    anchored("BACKBLAZE_KEY", "Backblaze B2 application key", "cloud", "backblaze", r"K0[0-9]{2}[A-Za-z0-9+/]{27}",
             severity="critical"),
    anchored("WASABI_SECRET", "Wasabi secret key", "cloud", "wasabi", r"[A-Za-z0-9+/]{40}", severity="critical"),
    anchored("HUAWEI_SECRET", "Huawei Cloud secret access key", "cloud", "huawei huaweicloud", r"[A-Za-z0-9]{40}",
             severity="critical"),
    anchored("RAILWAY_TOKEN", "Railway API token", "cloud", "railway", _UUID),
    anchored("OVH_SECRET", "OVHcloud application secret", "cloud", "ovh ovhcloud", r"[A-Za-z0-9]{32}",
             severity="critical"),
)
