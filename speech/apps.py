from django.apps import AppConfig


class SpeechConfig(AppConfig):
    """Spoken answers: recording checks, on-machine transcription, delivery figures, key points.

    No models: ``sessions`` owns the recording and stores what ``speech.service.analyse`` returns.
    """

    name = "speech"
    verbose_name = "Spoken answers"
