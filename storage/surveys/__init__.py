"""Survey answers: callbacks (a dissatisfied one reopens the ticket), monthly surveys, service ratings."""

from storage.surveys.models import SurveyAnswer
from storage.surveys.service import REASONS, SURVEY_KINDS, record_callback, record_survey, satisfaction_rate

__all__ = ["REASONS", "SURVEY_KINDS", "SurveyAnswer", "record_callback", "record_survey", "satisfaction_rate"]
