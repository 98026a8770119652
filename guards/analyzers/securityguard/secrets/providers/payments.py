"""Payments and commerce: Stripe, Square, PayPal / Braintree, Shopify, Razorpay and others.

Stripe secret keys are ``sk_live_`` / restricted ``rk_live_`` + base62 (24 to ~250
characters; ``sk_test_`` keys are reported at low severity: they move no money),
webhook signing secrets ``whsec_``; Square access tokens ``EAAA`` + 60 or legacy
``sq0atp-`` + 22, OAuth secrets ``sq0csp-`` + 43; Braintree access tokens are
``access_token$production$<merchant id>$<32 hex>``; Shopify tokens ``shpat_`` /
``shpca_`` / ``shppa_`` / ``shpss_`` + 32 hex; Paystack ``sk_live_`` + 40 hex; Paddle
``pdl_live_apikey_`` + 26 + ``_`` + 22 + ``_`` + 3; Lob ``live_``/``test_`` + 35 hex (publishable
``live_pub_``); Mollie ``live_``/``test_`` + 30; Flutterwave ``FLWSECK-<32>-X`` (public
``FLWPUBK``); WooCommerce consumer keys / secrets ``ck_`` / ``cs_`` + 40 hex; Checkout.com sandbox keys
``sk_sbox_`` + 26 base32.
Xendit ``xnd_development_``/``xnd_production_`` (public ``xnd_public_``); Midtrans ``Mid-server-`` (client
``Mid-client-`` public); Mercado Pago ``APP_USR-<app>-<date>-<32 hex>-<user>``; Asaas ``$aact_``;
Checkout.com ``sk_<uuid>`` (before 2021); eBay Cert IDs ``PRD-``/``SBX-``.
"""

from __future__ import annotations

from guards.analyzers.securityguard.secrets.rules import anchored, prefixed

RULES = (
    # Paystack's secret keys share Stripe's heads but not its alphabet: 40 hex
    prefixed("PAYSTACK_KEY", "Paystack secret key", "payments", r"sk_(?:live|test)_[a-f0-9]{40}", "sk_live_",
             "sk_test_"),
    prefixed("STRIPE_KEY", "Stripe secret key", "payments", r"[rs]k_live_[0-9a-zA-Z]{24,250}", "sk_live_",
             "rk_live_", exact=True),
    prefixed("STRIPE_TEST_KEY", "Stripe test-mode secret key", "payments", r"[rs]k_test_[0-9a-zA-Z]{24,250}",
             "sk_test_", "rk_test_", severity="low", live=False),
    # publishable keys are meant to ship in web pages: claimed so no generic check reports them
    prefixed("STRIPE_PUBLISHABLE_KEY", "Stripe publishable key", "payments", r"pk_(?:live|test)_[0-9a-zA-Z]{24,250}",
             "pk_live_", "pk_test_", severity="info", report=False),
    prefixed("WEBHOOK_SIGNING_SECRET", "Webhook signing secret (Stripe / Svix)", "payments",
             r"whsec_[A-Za-z0-9+/]{32,88}={0,2}", "whsec_", severity="high"),
    prefixed("SQUARE_TOKEN", "Square access token", "payments", r"EAAA[A-Za-z0-9_\-]{60}", "EAAA"),
    prefixed("SQUARE_TOKEN", "Square access token (legacy)", "payments", r"sq0atp-[0-9A-Za-z_\-]{22}", "sq0atp-"),
    prefixed("SQUARE_OAUTH_SECRET", "Square OAuth application secret", "payments", r"sq0csp-[0-9A-Za-z_\-]{43}",
             "sq0csp-"),
    prefixed("BRAINTREE_TOKEN", "PayPal Braintree access token", "payments",
             r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}", "access_token$"),
    prefixed("SHOPIFY_TOKEN", "Shopify access token or shared secret", "payments",
             r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", "shpat_", "shpca_", "shppa_", "shpss_", exact=True),
    prefixed("RAZORPAY_KEY", "Razorpay key ID", "payments", r"rzp_(?:live|test)_[A-Za-z0-9]{14}", "rzp_live_",
             "rzp_test_", severity="high"),
    # FLWSECK-<32>-X: the frame names the issuer, so the body's alphabet is not narrowed to hex
    prefixed("FLUTTERWAVE_KEY", "Flutterwave secret key", "payments", r"FLWSECK(?:_TEST)?-[A-Za-z0-9]{32}-X",
             "FLWSECK"),
    prefixed("FLUTTERWAVE_KEY", "Flutterwave encryption key", "payments", r"FLWSECK(?:_TEST)?[a-f0-9]{12}",
             "FLWSECK", severity="high"),
    prefixed("FLUTTERWAVE_PUBLIC_KEY", "Flutterwave public key", "payments", r"FLWPUBK(?:_TEST)?-[A-Za-z0-9]{32}-X",
             "FLWPUBK", severity="info", report=False),
    # Checkout.com sandbox secret keys: sk_sbox_ + 26 base32 characters (and a check character)
    prefixed("CHECKOUT_SECRET_KEY", "Checkout.com secret key (sandbox)", "payments", r"sk_sbox_[a-z2-7]{26,30}",
             "sk_sbox_", severity="low", live=False),
    # WooCommerce REST API: consumer key ck_ + 40 hex, consumer secret cs_ + 40 hex
    prefixed("WOOCOMMERCE_KEY", "WooCommerce REST API key", "payments", r"c[ks]_[a-f0-9]{40}", "ck_", "cs_"),
    prefixed("PLAID_TOKEN", "Plaid access token", "payments",
             r"access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
             "access-sandbox-", "access-development-", "access-production-"),
    prefixed("SHIPPO_TOKEN", "Shippo API token", "payments", r"shippo_(?:live|test)_[a-f0-9]{40}", "shippo_"),
    prefixed("EASYPOST_KEY", "EasyPost API key", "payments", r"EZ[AT]K[A-Za-z0-9]{54}", "EZAK", "EZTK"),
    prefixed("DUFFEL_TOKEN", "Duffel access token", "payments", r"duffel_(?:test|live)_[A-Za-z0-9_\-=]{43}",
             "duffel_"),
    prefixed("PADDLE_API_KEY", "Paddle API key", "payments",
             r"pdl_(?:live|sdbx|test)_apikey_[a-z0-9]{26}_[A-Za-z0-9]{22}_[A-Za-z0-9]{3}", "pdl_", exact=True),
    prefixed("LOB_KEY", "Lob API key", "payments", r"(?:live|test)_[a-f0-9]{35}", "live_", "test_"),
    prefixed("LOB_KEY", "Lob publishable key", "payments", r"(?:live|test)_pub_[a-f0-9]{31}", "_pub_",
             severity="info", report=False),
    prefixed("MOLLIE_KEY", "Mollie API key", "payments", r"(?:live|test)_[A-Za-z0-9]{30}", "live_", "test_",
             severity="high"),
    prefixed("COINBASE_KEY", "Coinbase API key name", "payments",
             r"organizations/[0-9a-f\-]{36}/apiKeys/[0-9a-f\-]{36}", "/apiKeys/", severity="high", bounded=False),
    # Xendit secret keys name their mode (xnd_development_ / xnd_production_); public keys
    # (xnd_public_...) only tokenise cards and ship in apps
    prefixed("XENDIT_SECRET_KEY", "Xendit secret API key", "payments", r"xnd_(?:development|production)_[A-Za-z0-9]{40,90}",
             "xnd_development_", "xnd_production_"),
    prefixed("XENDIT_PUBLIC_KEY", "Xendit public API key", "payments",
             r"xnd_public_(?:development|production)_[A-Za-z0-9]{30,90}", "xnd_public_", severity="info", report=False),
    # Midtrans server keys (Mid-server-, sandbox SB-Mid-server-); client keys are public
    prefixed("MIDTRANS_SERVER_KEY", "Midtrans server key", "payments", r"(?:SB-)?Mid-server-[A-Za-z0-9_\-]{20,32}",
             "Mid-server-"),
    prefixed("MIDTRANS_CLIENT_KEY", "Midtrans client key", "payments", r"(?:SB-)?Mid-client-[A-Za-z0-9_\-]{12,32}",
             "Mid-client-", severity="info", report=False),
    # Mercado Pago access tokens: APP_USR- (TEST-) + app id + date + 32 hex + user id; public keys are a UUID
    prefixed("MERCADOPAGO_ACCESS_TOKEN", "Mercado Pago access token", "payments",
             r"(?:APP_USR|TEST)-\d{13,19}-\d{6}-[a-f0-9]{32}-\d{6,12}", "APP_USR-", "TEST-"),
    prefixed("MERCADOPAGO_PUBLIC_KEY", "Mercado Pago public key", "payments",
             r"(?:APP_USR|TEST)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "APP_USR-", "TEST-",
             severity="info", report=False),
    # Checkout.com keys before 2021: sk_ / sk_test_ + a UUID (pk_ ones are public)
    prefixed("CHECKOUT_SECRET_KEY", "Checkout.com secret key", "payments",
             r"sk_(?:test_)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "sk_"),
    prefixed("CHECKOUT_PUBLIC_KEY", "Checkout.com public key", "payments",
             r"pk_(?:test_)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "pk_", severity="info",
             report=False),
    # Asaas API keys: $aact_ (production $aact_prod_, sandbox $aact_hmlg_) + base64
    prefixed("ASAAS_API_KEY", "Asaas API key", "payments", r"\$aact_(?:prod_|hmlg_)?[A-Za-z0-9+/=_\-]{60,200}", "$aact_",
             bounded=False),
    # eBay application keys: the Cert ID (client secret) is PRD- / SBX- + 12 hex + four groups of 4 hex
    prefixed("EBAY_CERT_ID", "eBay Cert ID (client secret)", "payments",
             r"(?:PRD|SBX)-[a-f0-9]{12}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}", "PRD-", "SBX-"),
)

ANCHORED = (
    anchored("PAYPAL_CLIENT_SECRET", "PayPal REST client secret", "payments", "paypal", r"E[A-Za-z0-9_\-]{79}",
             severity="critical"),
    anchored("PAYPAL_CLIENT_SECRET", "PayPal REST client ID", "payments", "paypal", r"A[A-Za-z0-9_\-]{79}"),
    anchored("BRAINTREE_TOKEN", "Braintree private key", "payments", "braintree", r"[a-f0-9]{32}"),
    anchored("ADYEN_KEY", "Adyen API key", "payments", "adyen", r"AQE[A-Za-z0-9+/=_\-]{60,300}"),
    anchored("SQUARE_TOKEN", "Square application secret", "payments", "square", r"[A-Za-z0-9_\-]{43,64}"),
    anchored("MOLLIE_KEY", "Mollie API key", "payments", "mollie", r"(?:live|test)_[A-Za-z0-9]{30}"),
    anchored("GOCARDLESS_TOKEN", "GoCardless access token", "payments", "gocardless",
             r"(?:live|sandbox)_[A-Za-z0-9_\-]{40}"),
    anchored("LOB_KEY", "Lob API key", "payments", "lob", r"(?:live|test)_[a-f0-9]{35}"),
    anchored("CHARGEBEE_KEY", "Chargebee API key", "payments", "chargebee", r"(?:live|test)_[A-Za-z0-9]{26,40}",
             severity="critical"),
    anchored("RAZORPAY_SECRET", "Razorpay key secret", "payments", "razorpay rzp", r"[A-Za-z0-9]{24}",
             severity="critical"),
    anchored("AUTHORIZE_NET_KEY", "Authorize.Net transaction key", "payments", "authorizenet authnet",
             r"[A-Za-z0-9]{16}", severity="critical"),
    anchored("RECURLY_KEY", "Recurly API key", "payments", "recurly", r"[a-f0-9]{32}", severity="critical"),
    anchored("BITFINEX_KEY", "Bitfinex API key or secret", "payments", "bitfinex", r"[A-Za-z0-9]{43}",
             severity="critical"),
    anchored("BIGCOMMERCE_TOKEN", "BigCommerce API token", "payments", "bigcommerce", r"[a-z0-9]{27,40}"),
    anchored("WISE_TOKEN", "Wise (TransferWise) API token", "payments", "transferwise",
             r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", severity="critical"),
    anchored("DWOLLA_KEY", "Dwolla API key or secret", "payments", "dwolla", r"[A-Za-z0-9]{50}", severity="critical"),
)
