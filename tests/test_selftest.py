from lcapp.selftest import STEPS, run_self_test


def test_self_test_passes_and_writes_its_log(tmp_path, capsys):
    log = tmp_path / "self-test.txt"
    assert run_self_test(log_path=log) == 0
    out = capsys.readouterr().out
    assert "[LỖI]" not in out and out.count("[OK]") == len(STEPS) and "Kết quả: đạt" in out
    assert "[OK] Mở cửa sổ chính" in out and "[OK] Xuất báo cáo PDF" in out and "[OK] Xuất báo cáo Word" in out
    assert log.read_text(encoding="utf-8").splitlines()[-1] == "Kết quả: đạt"


def test_a_failing_step_makes_the_self_test_fail(tmp_path, capsys):
    def broken(ctx):
        raise AssertionError("hỏng")
    assert run_self_test([("Bước hỏng", broken)], log_path=tmp_path / "log.txt") == 1
    assert "[LỖI] Bước hỏng: hỏng" in capsys.readouterr().out
