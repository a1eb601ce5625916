"""xuncha_nlp: mine Chinese reports on Party inspection work (巡视/巡察).

The public API is the names in ``__all__``; everything else is private unless documented.
Importing the package is cheap: modules import jieba, scikit-learn, pandas, numpy and
OpenCC, and read lexicons, only when a function first needs them.
"""

from __future__ import annotations

from ._version import __version__
from .analyze import Analysis, DateMention, analyze, find_dates
from .batch import Results, analyze_folder, write_results
from .classify import Classification, Classifier, classify, classify_many
from .errors import LexiconError, ModelError, ReadError, XunchaError
from .io import Document, read_text
from .lexicon import Lexicon
from .model import Model, load_model
from .normalize import Change, Normalized, normalize
from .phrases import Phrase, PhraseExtractor, extract_phrases, phrase_frame
from .problems import Problem, find_problems
from .sentences import split_clauses, split_sentences
from .stats import METRICS, Stat, extract_stats, metric_labels, stats_frame
from .taxonomy import Category, categories
from .training import Evaluation, evaluate, read_labels, train

__all__ = [
    "METRICS",
    "Analysis",
    "Category",
    "Change",
    "Classification",
    "Classifier",
    "DateMention",
    "Document",
    "Evaluation",
    "Lexicon",
    "LexiconError",
    "Model",
    "ModelError",
    "Normalized",
    "Phrase",
    "PhraseExtractor",
    "Problem",
    "ReadError",
    "Results",
    "Stat",
    "XunchaError",
    "__version__",
    "analyze",
    "analyze_folder",
    "categories",
    "classify",
    "classify_many",
    "evaluate",
    "extract_phrases",
    "extract_stats",
    "find_dates",
    "find_problems",
    "load_model",
    "metric_labels",
    "normalize",
    "phrase_frame",
    "read_labels",
    "read_text",
    "split_clauses",
    "split_sentences",
    "stats_frame",
    "train",
    "write_results",
]
