from django.apps import AppConfig


class AIGuardianConfig(AppConfig):
    name = "aiguardian"
    verbose_name = "AIGuardian platform"
