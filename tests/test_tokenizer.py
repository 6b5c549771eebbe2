import jieba
import pytest

from model.tokenizer import normalise, tokenise


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u200b"])
def test_empty_and_whitespace_give_no_tokens(text):
    assert tokenise(text) == ()


def test_emoji_only_reply_keeps_each_emoji():
    assert tokenise("😊😊") == ("😊", "😊")
    assert tokenise("🙂") == ("🙂",)


def test_emoji_modifiers_and_variation_selectors_are_dropped():
    assert tokenise("👍🏻") == ("👍",)
    assert tokenise("❤️") == ("❤",)


@pytest.mark.parametrize("emoticon", ["[微笑]", "[呵呵]", "[抱拳]", "[玫瑰]"])
def test_shop_emoticons_are_one_token(emoticon):
    assert tokenise(f"好的{emoticon}亲") .count(emoticon) == 1


def test_full_width_and_half_width_fold_together():
    assert tokenise("ＯＫ，好的！？") == tokenise("ok,好的!?")
    assert normalise("［微笑］") == "[微笑]"


def test_mixed_latin_and_digits():
    assert tokenise("iPhone15 Pro 已发货") == ("iphone", "<num>", "pro", "已", "发货")


@pytest.mark.parametrize("masked, token", [
    ("[数字x]", "<num>"), ("[订单x]", "<order>"), ("[电话]", "<phone>"), ("[金额x]", "<money>"),
    ("[姓名x]", "<name>"), ("[地址x]", "<addr>"), ("12", "<num>"), ("SF1234567890", "<id>"),
])
def test_numbers_ids_and_placeholders_fold_to_stable_tokens(masked, token):
    assert token in tokenise(f"单号{masked}请查收")


@pytest.mark.parametrize("written", ["订单4839201938475已经发货了", "订单号:4839201938475已经发货了"])
def test_a_written_out_order_number_reads_like_a_masked_one(written):
    assert "<order>" in tokenise(written) and "<id>" not in tokenise(written)
    assert tokenise(written.replace("4839201938475", "[订单x]")) == tokenise(written)


def test_customer_service_words_stay_whole():
    tokens = tokenise("支持七天无理由,退差价和价保都可以,给您补发,送无门槛券,有运费险")
    for word in ["七天无理由", "退差价", "价保", "补发", "无门槛券", "运费险"]:
        assert word in tokens


def test_tone_punctuation_is_kept_and_the_rest_dropped():
    assert tokenise("你没看详情页吗?") [-1] == "?"
    assert "," not in tokenise("好的,亲~") and "~" in tokenise("好的,亲~")


def test_very_long_reply_is_tokenised_whole():
    tokens = tokenise("非常抱歉给您添麻烦了。" * 500)
    assert tokens.count("非常抱歉") == 500


def test_own_jieba_tokenizer_leaves_the_global_one_alone():
    jieba.dt.check_initialized()
    assert "无门槛券" in tokenise("送您一张无门槛券")
    assert "无门槛券" not in jieba.dt.FREQ
