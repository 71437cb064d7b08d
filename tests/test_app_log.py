import logging

from lcapp import app_log


def test_log_rotates_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(app_log, "data_dir", lambda: tmp_path)
    monkeypatch.setattr(app_log, "MAX_BYTES", 2000)
    logger = logging.getLogger("lcapp")
    old_handlers = list(logger.handlers)
    try:
        path = app_log.setup_logging()
        assert path == tmp_path / "logs" / "lcapp.log"
        for number in range(200):
            logging.getLogger("lcapp.test").info("dòng nhật ký số %d", number)
        assert path.exists() and (tmp_path / "logs" / "lcapp.log.1").exists()
        assert "dòng nhật ký" in path.read_text(encoding="utf-8")
    finally:
        for handler in logger.handlers:
            if handler not in old_handlers:
                handler.close()
                logger.removeHandler(handler)
