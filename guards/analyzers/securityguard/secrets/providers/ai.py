"""AI and model APIs: OpenAI, Anthropic, Hugging Face, Cohere, Groq, Replicate, Perplexity, xAI...

OpenAI keys are ``sk-`` (optionally ``sk-proj-`` / ``sk-svcacct-`` / ``sk-admin-``) with
the marker ``T3BlbkFJ`` (base64 of "OpenAI") inside; Anthropic keys
``sk-ant-api03-`` / ``sk-ant-admin01-`` + ~95 URL-safe characters; Hugging Face user
tokens ``hf_`` + 34 letters (organisation tokens ``api_org_``); Groq ``gsk_`` + 52;
Replicate ``r8_`` + 37; Perplexity ``pplx-`` + 48; xAI ``xai-`` + 80; OpenRouter
``sk-or-v1-`` + 64 hex; LangSmith ``lsv2_pt_`` / ``lsv2_sk_``; NVIDIA ``nvapi-`` + 64;
Tavily ``tvly-`` (``tvly-dev-``) + 32; Firecrawl ``fc-`` + 32 hex; ElevenLabs ``sk_`` + 48 hex;
Cerebras ``csk-``; LlamaCloud ``llx-``; OpenAI web sessions ``sess-`` + 40; Together ``tgp_v1_`` + 43; Neptune tokens are base64 JSON naming ``api_address``.
E2B ``e2b_``; Apify ``apify_api_``; Jina ``jina_``; Anyscale ``esecret_``; Browserbase ``bb_live_``; DeepL
Free keys ``<uuid>:fx``; Helicone ``sk-helicone-``; Langfuse public keys ``pk-lf-`` are claimed.
"""

from __future__ import annotations

from guards.analyzers.securityguard.secrets.checks import json_token_ok
from guards.analyzers.securityguard.secrets.rules import anchored, prefixed

_U = r"[A-Za-z0-9_\-]"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

RULES = (
    prefixed("OPENAI_API_KEY", "OpenAI API key", "ai",
             rf"sk-(?:(?:proj|svcacct|admin|None)-)?{_U}{{16,180}}T3BlbkFJ{_U}{{16,180}}", "T3BlbkFJ"),
    prefixed("OPENAI_API_KEY", "OpenAI project API key", "ai", rf"sk-(?:proj|svcacct|admin)-{_U}{{80,200}}",
             "sk-proj-", "sk-svcacct-", "sk-admin-"),
    # anything else carrying OpenAI's marker is a truncated or edited OpenAI key: claimed, not reported
    prefixed("OPENAI_API_KEY", "OpenAI API key (malformed)", "ai", rf"{_U}{{0,200}}T3BlbkFJ{_U}{{0,200}}", "T3BlbkFJ",
             report=False),
    prefixed("ANTHROPIC_API_KEY", "Anthropic API key", "ai", rf"sk-ant-(?:api|admin|sid)\d\d-{_U}{{80,120}}",
             "sk-ant-", exact=True),
    prefixed("HUGGINGFACE_TOKEN", "Hugging Face access token", "ai", r"(?:hf_|api_org_)[A-Za-z]{34}", "hf_",
             "api_org_", exact=True),
    prefixed("GROQ_API_KEY", "Groq API key", "ai", r"gsk_[A-Za-z0-9]{52}", "gsk_", exact=True),
    prefixed("REPLICATE_TOKEN", "Replicate API token", "ai", r"r8_[A-Za-z0-9]{37}", "r8_", exact=True),
    prefixed("PERPLEXITY_API_KEY", "Perplexity API key", "ai", r"pplx-[A-Za-z0-9]{48}", "pplx-", exact=True),
    prefixed("XAI_API_KEY", "xAI API key", "ai", r"xai-[A-Za-z0-9]{80}", "xai-", exact=True),
    prefixed("OPENROUTER_API_KEY", "OpenRouter API key", "ai", r"sk-or-v1-[a-f0-9]{64}", "sk-or-v1-"),
    prefixed("LANGSMITH_API_KEY", "LangSmith API key", "ai", r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}", "lsv2_"),
    prefixed("LANGFUSE_SECRET_KEY", "Langfuse secret key", "ai",
             r"sk-lf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "sk-lf-"),
    prefixed("PINECONE_API_KEY", "Pinecone API key", "ai", r"pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,80}", "pcsk_"),
    prefixed("FIREWORKS_API_KEY", "Fireworks AI API key", "ai", r"fw_[A-Za-z0-9]{24}", "fw_", severity="high"),
    prefixed("CEREBRAS_API_KEY", "Cerebras API key", "ai", r"csk-[a-z0-9]{40,60}", "csk-", severity="high"),
    prefixed("LLAMACLOUD_API_KEY", "LlamaCloud API key", "ai", r"llx-[A-Za-z0-9]{40,60}", "llx-", severity="high"),
    # Neptune API tokens: base64 of {"api_address": ..., "api_url": ..., "api_key": ...}
    prefixed("NEPTUNE_API_TOKEN", "Neptune API token", "ai", r"eyJhcGlfYWRkcmVzcyI6[A-Za-z0-9+/]{40,400}={0,2}",
             "eyJhcGlfYWRkcmVzcyI6", validator=json_token_ok("api_address", "api_key"), strict=True),
    prefixed("NVIDIA_API_KEY", "NVIDIA API key", "ai", r"nvapi-[A-Za-z0-9_\-]{64}", "nvapi-", exact=True),
    prefixed("TAVILY_API_KEY", "Tavily API key", "ai", r"tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}", "tvly-"),
    prefixed("FIRECRAWL_API_KEY", "Firecrawl API key", "ai", r"fc-[a-f0-9]{32}", "fc-", severity="high"),
    prefixed("ELEVENLABS_API_KEY", "ElevenLabs API key", "ai", r"sk_[a-f0-9]{48}", "sk_", severity="high"),
    # Together AI keys (2024 format): tgp_v1_ + 43 base64url
    prefixed("TOGETHER_API_KEY", "Together AI API key", "ai", r"tgp_v1_[A-Za-z0-9_\-]{43}", "tgp_v1_"),
    # ChatGPT web session tokens: sess- + 40 base62
    prefixed("OPENAI_SESSION_TOKEN", "OpenAI session token", "ai", r"sess-[A-Za-z0-9]{40}", "sess-", severity="high"),
    # E2B sandboxes: e2b_ + 40 hex; Apify: apify_api_ + 36; Jina: jina_ + ~60; Anyscale endpoints: esecret_;
    # Browserbase: bb_live_
    prefixed("E2B_API_KEY", "E2B API key", "ai", r"e2b_[a-f0-9]{40}", "e2b_", exact=True),
    prefixed("APIFY_TOKEN", "Apify API token", "ai", r"apify_api_[A-Za-z0-9]{36}", "apify_api_", exact=True),
    prefixed("JINA_API_KEY", "Jina AI API key", "ai", r"jina_[A-Za-z0-9_\-]{50,70}", "jina_"),
    prefixed("ANYSCALE_API_KEY", "Anyscale API key", "ai", r"esecret_[A-Za-z0-9]{20,40}", "esecret_"),
    prefixed("BROWSERBASE_API_KEY", "Browserbase API key", "ai", r"bb_live_[A-Za-z0-9_\-]{20,40}", "bb_live_"),
    # DeepL API Free keys are a UUID with ":fx" after it (Pro keys are the bare UUID)
    prefixed("DEEPL_AUTH_KEY", "DeepL API key (Free)", "ai", rf"{_UUID}:fx", ":fx"),
    # Langfuse public keys (pk-lf-<uuid>) identify a project; only the sk-lf- key is secret
    prefixed("LANGFUSE_PUBLIC_KEY", "Langfuse public key", "ai", rf"pk-lf-{_UUID}", "pk-lf-", severity="info",
             report=False),
    # Helicone gateway keys: sk-helicone- (regional sk-helicone-eu-) + dash-separated groups
    prefixed("HELICONE_API_KEY", "Helicone API key", "ai", r"sk-helicone-[a-z0-9\-]{20,80}", "sk-helicone-"),
)

ANCHORED = (
    anchored("COHERE_API_KEY", "Cohere API key", "ai", "cohere co_api", r"[A-Za-z0-9]{40}"),
    anchored("MISTRAL_API_KEY", "Mistral API key", "ai", "mistral", r"[A-Za-z0-9]{32}"),
    anchored("DEEPSEEK_API_KEY", "DeepSeek API key", "ai", "deepseek", r"sk-[a-f0-9]{32}"),
    anchored("TOGETHER_API_KEY", "Together AI API key", "ai", "together", r"[a-f0-9]{64}"),
    anchored("WANDB_API_KEY", "Weights & Biases API key", "ai", "wandb weights", r"[a-f0-9]{40}"),
    anchored("ELEVENLABS_API_KEY", "ElevenLabs API key", "ai", "elevenlabs xi-api", r"(?:sk_)?[a-f0-9]{32,48}"),
    anchored("ASSEMBLYAI_API_KEY", "AssemblyAI API key", "ai", "assemblyai assembly", r"[a-f0-9]{32}"),
    anchored("KAGGLE_KEY", "Kaggle API key", "ai", "kaggle", r"[a-f0-9]{32}"),
    anchored("DEEPGRAM_API_KEY", "Deepgram API key", "ai", "deepgram", r"[a-f0-9]{40}"),
    anchored("AZURE_OPENAI_KEY", "Azure OpenAI key", "ai", "openai azure_openai", r"[a-f0-9]{32}|[A-Za-z0-9]{84}"),
    anchored("PINECONE_API_KEY", "Pinecone API key (legacy)", "ai", "pinecone",
             r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    anchored("VOYAGE_API_KEY", "Voyage AI API key", "ai", "voyage voyageai", r"pa-[A-Za-z0-9_\-]{40,50}"),
    anchored("STABILITY_API_KEY", "Stability AI API key", "ai", "stability dreamstudio", r"sk-[A-Za-z0-9]{48}"),
    anchored("CLARIFAI_PAT", "Clarifai personal access token", "ai", "clarifai", r"[a-f0-9]{32}"),
    anchored("SERPER_API_KEY", "Serper API key", "ai", "serper", r"[a-f0-9]{40}"),
    anchored("AI21_API_KEY", "AI21 Labs API key", "ai", "ai_21 ai21labs", r"[A-Za-z0-9]{32}"),
    anchored("MODAL_TOKEN_SECRET", "Modal token secret", "ai", "modal", r"as-[A-Za-z0-9]{22}"),
    anchored("RUNPOD_API_KEY", "RunPod API key", "ai", "runpod", r"(?:rpa_)?[A-Z0-9]{32,50}"),
)
