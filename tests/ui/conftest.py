"""Qt tests run offscreen, with their own settings file and database."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from lcapp.models.demo import load_demo
from lcapp.models.setup import create_database


@pytest.fixture(autouse=True)
def own_settings(tmp_path):
    """QSettings in the test's folder, never the user's."""
    QCoreApplication.setOrganizationName("LCAppTest")
    QCoreApplication.setApplicationName("LCAppTest")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture
def demo_path(tmp_path):
    path = tmp_path / "demo.sqlite"
    store = create_database(path)
    load_demo(store)
    store.close()
    return path
