"""OnceCache (scanner/clouds/aws/cache.py): each key computed once; callers that arrive together split keys."""

from __future__ import annotations

import threading

from scanner.clouds.aws.cache import OnceCache


def test_callers_that_arrive_together_split_the_keys_and_each_is_computed_once() -> None:
    b_started = threading.Event()
    computed: list[tuple[str, str]] = []

    def compute(key: object) -> str:
        computed.append((str(key), threading.current_thread().name))
        if key == "a":  # the first caller holds "a" until the second has taken "b"
            assert b_started.wait(timeout=30)
        else:
            b_started.set()
        return f"value of {key}"

    cache: OnceCache[str] = OnceCache(compute)
    results: dict[str, list[str]] = {}

    def call(name: str) -> None:
        results[name] = cache.get_all(["a", "b"])

    first = threading.Thread(target=call, args=("first",), name="first")
    first.start()
    while not computed:  # the first caller has claimed "a"
        threading.Event().wait(0.001)
    second = threading.Thread(target=call, args=("second",), name="second")
    second.start()
    first.join(timeout=30)
    second.join(timeout=30)
    assert sorted(computed) == [("a", "first"), ("b", "second")]
    assert results == {"first": ["value of a", "value of b"], "second": ["value of a", "value of b"]}
    assert cache.get("a") == "value of a" and len(computed) == 2


def test_an_exception_reaches_every_caller_and_is_not_recomputed() -> None:
    calls: list[object] = []

    def compute(key: object) -> str:
        calls.append(key)
        raise ValueError(f"cannot read {key}")

    cache: OnceCache[str] = OnceCache(compute)
    for _ in range(2):
        try:
            cache.get_all(["x"])
        except ValueError as exc:
            assert str(exc) == "cannot read x"
        else:
            raise AssertionError("the error was swallowed")
    assert calls == ["x"]
