"""The WeCom (企业微信) channel: callback crypto, the callback endpoint, the API client and the outbox sender."""
