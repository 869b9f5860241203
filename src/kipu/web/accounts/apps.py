from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kipu.web.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.models import User
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save, pre_save

        from kipu.web.accounts.services import (
            note_deactivation,
            remember_language,
            revoke_tokens_of_deactivated,
        )

        # However an account is deactivated, its API tokens stop working for good.
        pre_save.connect(note_deactivation, sender=User, dispatch_uid="kipu-note-deactivation")
        post_save.connect(
            revoke_tokens_of_deactivated, sender=User, dispatch_uid="kipu-revoke-tokens"
        )
        # Reminders and other e-mails sent without a request use the language last signed in with.
        user_logged_in.connect(remember_language, dispatch_uid="kipu-remember-language")
