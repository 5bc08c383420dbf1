from salescli.stages import Stage, stage_words


def test_the_eight_steps_in_course_order() -> None:
    assert [stage.value for stage in Stage] == [
        "prospect", "prepare", "approach", "needs", "demo", "objections", "close", "service",
    ]
    assert [stage.zh for stage in Stage] == [
        "开发新客户", "访前准备", "接近", "开发需求", "产品展示", "异议处理", "促成", "售后服务",
    ]
    assert Stage.DEMO.number == 5


def test_next_stage_ends_at_service() -> None:
    assert Stage.OBJECTIONS.next() is Stage.CLOSE
    assert Stage.SERVICE.next() is None


def test_stage_words_take_key_chinese_name_and_number() -> None:
    words = stage_words()
    assert words["close"] is Stage.CLOSE
    assert words["促成"] is Stage.CLOSE
    assert words["5"] is Stage.DEMO
    assert words["售后服务"] is Stage.SERVICE
