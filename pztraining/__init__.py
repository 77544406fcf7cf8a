"""pztraining: courseware for live palliative-care trainings, served as Voila apps."""

__version__ = "0.1.0"
