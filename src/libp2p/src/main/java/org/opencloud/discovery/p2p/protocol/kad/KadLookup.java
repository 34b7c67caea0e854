package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One iterative lookup: ask the nearest known peers of a target, at most alpha at a time, for peers nearer
 * still, until the k nearest that answered have all been asked (or the visitor has what it wants, or time runs
 * out). Each answer is cut to k closer peers. Runs on the threads that complete the queries; state is guarded
 * by {@code this}.
 */
final class KadLookup {
    /** Sees each answer; returns true to end the lookup early. */
    interface Visitor {
        boolean onAnswer(KadPeer from, Message answer);
    }

    /** What the lookup ended with: the k nearest peers that answered, nearest first. */
    record Result(List<KadPeer> closest, int queries, int hops) {
    }

    private enum State { NEW, WAITING, ANSWERED, FAILED }

    private static final class Candidate {
        final KadPeer peer;
        final int hop;
        State state = State.NEW;

        Candidate(KadPeer peer, int hop) {
            this.peer = peer;
            this.hop = hop;
        }
    }

    private final KadId target;
    private final PeerId self;
    private final Message request;
    private final KadQueries queries;
    private final int alpha;
    private final Visitor visitor;
    private final TreeMap<byte[], Candidate> byDistance = new TreeMap<>(Arrays::compareUnsigned);
    private final Map<PeerId, Candidate> byPeer = new HashMap<>();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private int inFlight;
    private int sent;
    private int hops;

    KadLookup(KadId target, PeerId self, Message request, KadQueries queries, int alpha, Visitor visitor) {
        this.target = target;
        this.self = self;
        this.request = request;
        this.queries = queries;
        this.alpha = alpha;
        this.visitor = visitor;
    }

    CompletableFuture<Result> run(List<KadPeer> seeds, Duration timeout) {
        synchronized (this) {
            seeds.forEach(p -> offer(p, 0));
        }
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(this::finish);
        advance();
        return result;
    }

    private void offer(KadPeer peer, int hop) {
        if (peer.id().equals(self) || byPeer.containsKey(peer.id())) {
            return;
        }
        Candidate c = new Candidate(peer, hop);
        byPeer.put(peer.id(), c);
        byDistance.put(target.distance(KadId.of(peer.id())), c);
    }

    private void advance() {
        List<Candidate> toAsk = new ArrayList<>();
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            int nearest = 0;
            for (Candidate c : byDistance.values()) {
                if (c.state == State.FAILED) {
                    continue;
                }
                if (nearest++ == KadConfig.K) {
                    break;
                }
                if (c.state == State.NEW && inFlight < alpha) {
                    c.state = State.WAITING;
                    inFlight++;
                    sent++;
                    toAsk.add(c);
                }
            }
            if (toAsk.isEmpty() && inFlight == 0) {
                finish();
                return;
            }
        }
        toAsk.forEach(this::ask);
    }

    private void ask(Candidate c) {
        queries.send(c.peer, request).whenComplete((answer, e) -> {
            boolean done = false;
            synchronized (this) {
                inFlight--;
                if (e != null) {
                    c.state = State.FAILED;
                } else {
                    c.state = State.ANSWERED;
                    for (KadPeer p : queries.closerPeers(c.peer, answer)) {
                        offer(p, c.hop + 1);
                    }
                    if (!result.isDone()) {
                        done = visitor.onAnswer(c.peer, answer);
                        if (done) {
                            hops = c.hop + 1;
                        }
                    }
                }
            }
            if (done) {
                finish();
            } else {
                advance();
            }
        });
    }

    private synchronized void finish() {
        if (result.isDone()) {
            return;
        }
        List<KadPeer> closest = byDistance.values().stream().filter(c -> c.state == State.ANSWERED)
                .limit(KadConfig.K).map(c -> c.peer).toList();
        int deepest = byDistance.values().stream().filter(c -> c.state == State.ANSWERED)
                .mapToInt(c -> c.hop + 1).max().orElse(0);
        result.complete(new Result(closest, sent, hops > 0 ? hops : deepest));
    }
}
