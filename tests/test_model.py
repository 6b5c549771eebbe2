import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from model import TONES, ModelLoadError, ToneModel, load_model
from model.cues import message_kinds
from model.features import ModelConfig, PairSignals, as_rows
from model.tokenizer import normalise
from training.train import train

SEED_CONTEXT = "裤子收到了,很薄很皱,版型也不好"


def test_seed_case_smileys_after_a_complaint_are_dismissive_and_flagged(tone_model):
    [result] = tone_model.predict(["😊😊"], [SEED_CONTEXT])
    assert "dismissive" in result["labels"]
    assert result["flagged"] is True


def test_seed_case_apology_with_reshipment_and_shipping_is_not_flagged(tone_model):
    [result] = tone_model.predict(["非常抱歉,给您补发一件,运费我们承担"])
    assert {"apologetic", "compensating"} <= set(result["labels"])
    assert result["flagged"] is False


def test_result_shape(tone_model):
    [result] = tone_model.predict(["亲,这个没办法呢"], ["东西坏了怎么办"])
    assert set(result) == {"labels", "scores", "flagged", "evidence"}
    assert list(result["scores"]) == list(TONES)
    assert all(0.0 <= p <= 1.0 for p in result["scores"].values())
    assert set(result["evidence"]) == set(result["labels"])
    assert result["labels"] == [t for t in TONES if result["scores"][t] >= tone_model.thresholds[t]]


def test_direct_scorer_matches_the_pipeline(tone_model):
    texts = ["😊😊", "非常抱歉,给您补发一件", "亲,这个没办法呢", "已发货,明天到", "你没看详情页吗?", "[微笑]", "x"]
    contexts = [SEED_CONTEXT, "发错了", "坏了", "什么时候到", "尺码不对", "", "你好"]
    expected = tone_model.pipeline.predict_proba(as_rows(texts, contexts))
    np.testing.assert_allclose(tone_model.probabilities(texts, contexts), expected, rtol=0, atol=1e-9)


def test_evidence_words_come_from_the_reply(tone_model):
    texts = ["亲亲~ 这边也没有办法呢 😊", "抱歉亲,这个我们也没办法", "你自己选错尺码的怪谁?", "非常抱歉,送您一张无门槛券"]
    for text, result in zip(texts, tone_model.predict(texts, ["衣服破了"] * len(texts))):
        assert result["labels"], text
        for tone, words in result["evidence"].items():
            assert words, (text, tone)
            assert all(w in normalise(text) for w in words), (text, words)


def test_flagged_reply_names_its_words(tone_model):
    [result] = tone_model.predict(["亲亲~ 这边也没有办法呢 😊"], ["收到的杯子是碎的"])
    assert result["flagged"]
    assert any("办法" in w for w in result["evidence"]["dismissive"])


@pytest.mark.parametrize("template", [
    "亲,这款{}是正品哦,已经给您发货了",
    "非常抱歉,{}的问题给您添麻烦了,给您补发一件",
    "{}这个没办法的哦,您自己看下详情页",
])
def test_swapping_the_product_name_keeps_the_tones(tone_model, template):
    products = ["连衣裙", "蓝牙耳机", "空气炸锅", "保温杯"]
    results = tone_model.predict([template.format(p) for p in products])
    assert len({tuple(r["labels"]) for r in results}) == 1


@pytest.mark.parametrize("reply", ["您的订单已经发货了", "麻烦提供一下订单号", "这个是正常现象呢", "退款已经提交了"])
def test_adding_an_apology_raises_apologetic(tone_model, reply):
    before, after = tone_model.predict([reply, "非常抱歉," + reply])
    assert after["scores"]["apologetic"] > before["scores"]["apologetic"]
    assert "apologetic" in after["labels"]


def test_save_then_load_in_a_fresh_process_gives_the_same_scores(model_dir, tone_model):
    texts = ["😊😊", "亲,这个没办法呢", "非常抱歉,给您补发一件,运费我们承担"]
    code = ("import json,sys; from model import load_model; "
            f"m = load_model({str(model_dir)!r}); print(json.dumps(m.probabilities({texts!r}).tolist()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    np.testing.assert_allclose(json.loads(out), tone_model.probabilities(texts), rtol=0, atol=1e-12)


def test_metadata_records_what_made_the_model(model_dir, tone_model):
    meta = json.loads((model_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["labels"] == list(TONES)
    assert set(meta["thresholds"]) == set(TONES) and all(0 < v < 1 for v in meta["thresholds"].values())
    assert {"scikit-learn", "jieba", "numpy", "scipy", "joblib"} <= set(meta["libraries"])
    assert len(meta["data"]["sha256"]) == 64 and meta["git_commit"] and meta["created_at"]
    cv = meta["metrics"]["cross_validation"]
    assert set(cv["per_tone"]) == set(TONES) and 0 < cv["macro_f1"] <= 1
    assert tone_model.version == meta["version"]


def test_a_model_made_with_other_library_versions_is_refused(model_dir, tmp_path):
    copy = tmp_path / "old-model"
    copy.mkdir()
    (copy / "model.joblib").write_bytes((model_dir / "model.joblib").read_bytes())
    meta = json.loads((model_dir / "metadata.json").read_text(encoding="utf-8"))
    meta["libraries"]["scikit-learn"] = "0.24.2"
    (copy / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"scikit-learn 0\.24\.2"):
        load_model(copy)


def test_a_model_made_by_other_feature_code_is_refused(model_dir, tmp_path):
    copy = tmp_path / "stale-model"
    copy.mkdir()
    (copy / "model.joblib").write_bytes((model_dir / "model.joblib").read_bytes())
    meta = json.loads((model_dir / "metadata.json").read_text(encoding="utf-8"))
    meta["features_version"] = -1
    (copy / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="feature code version -1"):
        load_model(copy)


@pytest.mark.parametrize("broken", ["missing", "not-json", "truncated"])
def test_a_broken_model_directory_is_refused_with_a_message(model_dir, tmp_path, broken):
    copy = tmp_path / "broken"
    copy.mkdir()
    if broken != "missing":
        meta = (model_dir / "metadata.json").read_text(encoding="utf-8")
        (copy / "metadata.json").write_text("{" if broken == "not-json" else meta, encoding="utf-8")
        (copy / "model.joblib").write_bytes((model_dir / "model.joblib").read_bytes()[:100])
    with pytest.raises(ModelLoadError):
        load_model(copy)


def test_training_is_deterministic(tmp_path):
    data = tmp_path / "data.jsonl"
    files = sorted((ROOT / "data" / "train").glob("*.jsonl"))
    data.write_text("".join(f.read_text(encoding="utf-8") for f in files[:3]), encoding="utf-8")
    first = load_model(train(data, tmp_path / "a", ModelConfig(), folds=3, log=lambda *_: None))
    second = load_model(train(data, tmp_path / "b", ModelConfig(), folds=3, log=lambda *_: None))
    texts = ["😊😊", "亲,这个没办法呢", "非常抱歉,给您补发一件,运费我们承担", "已发货"]
    assert first.thresholds == second.thresholds
    np.testing.assert_array_equal(first.probabilities(texts), second.probabilities(texts))
    assert (tmp_path / "a" / "current").resolve().name == first.version


def test_results_are_remembered_per_reply_and_context(tone_model, monkeypatch):
    monkeypatch.setattr(tone_model, "results_cache_size", 3)
    tone_model.clear_caches()
    after_complaint, after_praise = tone_model.predict(["😊😊", "😊😊"], ["裤子又薄又皱", "谢谢,很好看"])
    assert after_complaint["scores"] != after_praise["scores"]
    assert tone_model.predict(["😊😊"], ["裤子又薄又皱"])[0] is after_complaint
    tone_model.predict(["已发货", "明天到"], ["", ""])  # four pairs: the oldest is forgotten
    assert tone_model.predict(["😊😊"], ["裤子又薄又皱"])[0] is not after_complaint
    assert tone_model.predict(["😊😊"], ["裤子又薄又皱"])[0] == after_complaint


def test_a_model_without_a_results_cache_gives_the_same_results(tone_model):
    uncached = ToneModel(tone_model.pipeline, tone_model.metadata, results_cache_size=0)
    texts, contexts = ["😊😊", "抱歉亲,这个我们也没办法", "已发货"], ["裤子又薄又皱", "怎么还没退款", ""]
    first = uncached.predict(texts, contexts)
    assert first == tone_model.predict(texts, contexts)
    assert first[0]["flagged"] and first[1]["evidence"]
    assert uncached.predict(texts, contexts)[0] is not first[0] and not uncached._results


def test_direct_scorer_matches_a_pipeline_with_unnormalised_presence_features(tmp_path):
    data = tmp_path / "data.jsonl"
    files = sorted((ROOT / "data" / "train").glob("*.jsonl"))
    data.write_text("".join(f.read_text(encoding="utf-8") for f in files[:2]), encoding="utf-8")
    model = load_model(train(data, tmp_path / "m", ModelConfig(reply_word_presence=True), folds=2, log=lambda *_: None))
    assert "reply_presence" in [b.name for b in model.scorer.blocks]
    texts = ["😊😊", "亲,这个没办法呢,您放心哦,我们会尽快处理的,非常抱歉", "已发货", "x"]
    contexts = [SEED_CONTEXT, "坏了", "什么时候到", ""]
    expected = model.pipeline.predict_proba(as_rows(texts, contexts))
    np.testing.assert_allclose(model.probabilities(texts, contexts), expected, rtol=0, atol=1e-9)


def test_repeat_and_urgent_kinds_are_an_option_of_the_pair_signals():
    row = ("麻烦提供一下订单号", "订单号我已经发了三遍了,急用!!")
    plain, more = PairSignals(), PairSignals(more_kinds=True)
    assert message_kinds(normalise(row[1]), True) == ("repeat", "urgent")
    assert not any(s.startswith(("repeat", "urgent")) for s in plain(row))
    assert {"kind=repeat", "kind=urgent", "repeat|提供"} <= set(more(row))
    unpickled_old = PairSignals.__new__(PairSignals)  # pickled before the option: no attribute of its own
    unpickled_old.__dict__.update(cross_kind_with_reply=True, cross_context_words=False, context_chars=0)
    assert unpickled_old(row) == plain(row)
