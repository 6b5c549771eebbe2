"""The tone model: tokeniser, features, pipeline, load/save and the shared `predict` core."""

from model.artifact import ModelLoadError, load_model, save_model
from model.labels import FLAG_TONES, TONES, is_flagged
from model.tone_model import ToneModel, ToneResult

__all__ = ["FLAG_TONES", "TONES", "ModelLoadError", "ToneModel", "ToneResult", "is_flagged", "load_model", "save_model"]
