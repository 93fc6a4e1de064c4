"""encrypt, passphrase and decrypt on the command line, and every other command on an encrypted
register: the passphrase from FUPIN_PASSPHRASE (or the terminal); a refusal says why in Chinese,
exits non-zero and leaves the file as it was."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import main
from storage import cipher

ROOT = Path(__file__).resolve().parents[1]
OLD, NEW = "县里的口令'2016", '新的口令"2017'


def run(*args, passphrase=None, new=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUPIN_")}
    env["FUPIN_BACKUP_DIR"] = os.environ["FUPIN_BACKUP_DIR"]
    if passphrase is not None:
        env["FUPIN_PASSPHRASE"] = passphrase
    if new is not None:
        env["FUPIN_NEW_PASSPHRASE"] = new
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=120)  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_encrypt_change_and_decrypt_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("FUPIN_BACKUP_DIR", str(tmp_path / "backups"))
    path = tmp_path / "x.db"
    assert run("demo", path, "--villages", 1, "--households", 5).returncode == 0
    plain = run("export-json", path, tmp_path / "plain.json")
    assert plain.returncode == 0

    done = run("encrypt", path, passphrase=OLD)
    assert done.returncode == 0 and "数据库已加密" in done.stdout, done.stderr
    assert cipher.is_encrypted(path)

    before = digest(path)
    refused = run("export-json", path, tmp_path / "no.json")  # no passphrase, no terminal
    assert refused.returncode != 0 and "需要口令" in refused.stderr
    refused = run("export-json", path, tmp_path / "no.json", passphrase="不对的口令123")
    assert refused.returncode != 0 and "口令不对" in refused.stderr
    refused = run("encrypt", path, passphrase=OLD)
    assert refused.returncode != 0 and "已经加密" in refused.stderr
    refused = run("passphrase", path, passphrase=OLD, new="短")
    assert refused.returncode != 0 and "至少要" in refused.stderr
    assert digest(path) == before and not (tmp_path / "no.json").exists()

    opened = run("export-json", path, tmp_path / "enc.json", passphrase=OLD)
    assert opened.returncode == 0, opened.stderr
    assert (tmp_path / "enc.json").read_bytes() == (tmp_path / "plain.json").read_bytes()
    stick = tmp_path / "U盘"
    stick.mkdir()
    copied = run("backup", path, stick, passphrase=OLD)
    assert copied.returncode == 0 and "已读回检查" in copied.stdout
    assert all(cipher.is_encrypted(p) for p in stick.iterdir())

    changed = run("passphrase", path, passphrase=OLD, new=NEW)
    assert changed.returncode == 0 and "口令已更改" in changed.stdout, changed.stderr
    assert run("verify", path, passphrase=OLD).returncode != 0
    assert run("verify", path, passphrase=NEW).returncode == 0

    back = run("decrypt", path, passphrase=NEW)
    assert back.returncode == 0 and "已取消加密" in back.stdout, back.stderr
    assert not cipher.is_encrypted(path)
    assert run("export-json", path, tmp_path / "again.json").returncode == 0
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "plain.json").read_bytes()


def test_the_registers_passphrase_is_never_taken_for_the_enrolments(tmp_path, monkeypatch):
    from storage import encryption
    from storage.db import open_store

    path = tmp_path / "county.db"
    open_store(path, create=True, role="county").close()
    monkeypatch.setenv("FUPIN_PASSPHRASE", OLD)
    monkeypatch.delenv("FUPIN_ENROL_PASSPHRASE", raising=False)
    assert main._passphrase(False, path) == OLD  # a plain register: as before
    encryption.encrypt(path, OLD)
    asked = []
    monkeypatch.setattr(main.getpass, "getpass", lambda prompt: asked.append(prompt) or "一次性")
    assert main._passphrase(False, path) == "一次性" and asked
    monkeypatch.setenv("FUPIN_ENROL_PASSPHRASE", "一次性口令")
    assert main._passphrase(False, path) == "一次性口令"
