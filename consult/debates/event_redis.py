"""Debate events through Redis pub/sub (``REDIS_URL``), for server processes on several hosts.

After its commit, a change is delivered to the streams of its own process at once and handed to a sending
thread, which publishes it on the channel ``DEBATES_EVENTS_CHANNEL`` (``consult:debates``; give each
platform that shares a Redis a channel of its own). Every process that serves a stream subscribes with one
thread of its own and publishes what it hears to its broker, leaving out its own messages. When Redis does not
answer, the subscriber tries again every second; meanwhile each process's changes reach its own streams only.

A message holds debate ids, versions and the names of parts; anything else on the channel is ignored, so
whoever can publish there can at most make screens draw the current state again.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import redis

from consult.debates.event_backends import RelayBackend, deliver

log = logging.getLogger(__name__)


class RedisBackend(RelayBackend):
    name = "redis"

    def __init__(self, url: str, channel: str):
        super().__init__()
        self.url, self.channel = url, channel
        self.active = False
        self._client: tuple[int, redis.Redis] | None = None
        self._thread: tuple[int, threading.Thread] | None = None

    def _publisher(self) -> redis.Redis:
        if self._client is None or self._client[0] != os.getpid():
            self._client = (os.getpid(), redis.Redis.from_url(self.url, socket_timeout=2,
                                                              socket_connect_timeout=2))
        return self._client[1]

    def send(self, lines: str) -> None:
        self._publisher().publish(self.channel, lines)

    def listen(self) -> None:
        if self._thread is not None and self._thread[0] == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread[0] == os.getpid():
                return
            ready = threading.Event()
            thread = threading.Thread(target=self._run, args=(ready,), name="debates-redis-listen",
                                      daemon=True)
            self._thread = (os.getpid(), thread)
            thread.start()
        ready.wait(5)

    def _run(self, ready: threading.Event) -> None:
        while True:
            try:
                client = redis.Redis.from_url(self.url, socket_connect_timeout=2, health_check_interval=30)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                pubsub.get_message(timeout=1)  # the subscription's confirmation: listening from here on
                self.active = True
                ready.set()
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        data = message["data"]
                        deliver(data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data))
            except Exception:  # Redis went away: reconnect, keep the process alive
                self.active = False
                log.exception("debate events: lost Redis; retrying")
                time.sleep(1)
