"""A TCP relay between the app and PostgreSQL that can be cut like a network (bench/faults.py --fault partition).

    relay = Relay("127.0.0.1", 5433).start()      # listens on relay.port (a free one on 127.0.0.1)
    relay.partition()                             # packets dropped, not refused
    relay.heal()                                  # the cable is back
    relay.close()

While partitioned the relay neither accepts nor reads nor writes: what the app sends is taken by the
kernel's buffers and never answered, new connections complete their TCP handshake in the listen
backlog and then hear nothing — as when a switch or a cable drops the packets. Nothing is refused
or reset, so the app sees no error, only silence (a clean `pg_ctl stop` refuses at once: the gentle
case). On `heal` the held bytes flow again in both directions, as TCP's retransmissions would
deliver them, and the waiting connections are accepted.

One thread, one selector; the scripts run it beside the load, the tests beside the app.
"""
import selectors
import socket
import threading
import time


class Relay:
    def __init__(self, upstream_host: str, upstream_port: int, listen_port: int = 0):
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", listen_port))
        self._listener.listen(128)
        self._listener.setblocking(False)
        self.port = self._listener.getsockname()[1]
        self._cut = threading.Event()
        self._stop = threading.Event()
        self._peers: dict[socket.socket, socket.socket] = {}
        self._thread = threading.Thread(target=self._run, name="relay", daemon=True)
        self.partitions: list[tuple[float, float | None]] = []  # (cut at, healed at), time.time()

    def start(self) -> "Relay":
        self._thread.start()
        return self

    @property
    def is_cut(self) -> bool:
        return self._cut.is_set()

    def partition(self) -> None:
        self.partitions.append((time.time(), None))
        self._cut.set()

    def heal(self) -> None:
        self._cut.clear()
        if self.partitions and self.partitions[-1][1] is None:
            self.partitions[-1] = (self.partitions[-1][0], time.time())

    def close(self) -> None:
        """Stop and close every connection (PostgreSQL then ends their sessions, rolling back)."""
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in list(self._peers):
            self._drop(sock)
        self._listener.close()

    # The loop ------------------------------------------------------------------------------------

    def _run(self) -> None:
        with selectors.DefaultSelector() as selector:
            self._selector = selector
            selector.register(self._listener, selectors.EVENT_READ)
            while not self._stop.is_set():
                if self._cut.is_set():
                    time.sleep(0.01)  # hold everything: no accept, no read, no write
                    continue
                for key, _events in selector.select(timeout=0.05):
                    if self._cut.is_set():
                        break
                    if key.fileobj is self._listener:
                        self._accept()
                    else:
                        self._forward(key.fileobj)

    def _accept(self) -> None:
        try:
            client, _address = self._listener.accept()
        except BlockingIOError:
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()  # PostgreSQL itself is down: the app sees what it would see without us
            return
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(5)  # sendall to a peer that stopped reading must not block the loop for ever
        self._peers[client], self._peers[upstream] = upstream, client
        self._selector.register(client, selectors.EVENT_READ)
        self._selector.register(upstream, selectors.EVENT_READ)

    def _forward(self, sock: socket.socket) -> None:
        peer = self._peers.get(sock)
        if peer is None:
            return
        try:
            data = sock.recv(65536)
            if data:
                peer.sendall(data)
                return
        except OSError:
            pass
        self._drop(sock)

    def _drop(self, sock: socket.socket) -> None:
        peer = self._peers.pop(sock, None)
        for one in (sock, peer):
            if one is None:
                continue
            self._peers.pop(one, None)
            try:
                self._selector.unregister(one)
            except (KeyError, ValueError, AttributeError):
                pass
            one.close()
