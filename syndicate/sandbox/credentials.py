"""The sandbox's throwaway credentials, in one place (they unlock nothing real)."""

MEDIUM_TOKEN = "sandbox-medium-token"
MEDIUM_USER_ID = "5303d74c64f66366f00cb9b2a94f3251bf5"
WORDPRESS_USER = "sandbox"
WORDPRESS_APP_PASSWORD = "sand boxs ecre tpas swor d123"
TELEGRAM_BOT_TOKEN = "123456:sandbox-telegram-bot"
TELEGRAM_CHAT = "@syndicate_sandbox"
TELEGRAPH_TOKEN = "sandbox-telegraph-token"
