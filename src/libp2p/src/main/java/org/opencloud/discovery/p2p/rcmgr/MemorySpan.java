package org.opencloud.discovery.p2p.rcmgr;

import java.util.List;

/** The memory part of a scope: what it reserved itself, counted in its account and the enclosing ones. */
abstract class MemorySpan implements ResourceScope {
    protected final Refusals refusals;
    private long memory;
    private boolean done;

    MemorySpan(Refusals refusals) {
        this.refusals = refusals;
    }

    /** This scope's account first, then the enclosing ones. */
    protected abstract List<Account> memoryChain();

    /** Releases what the scope holds beside memory; called once, under the scope's lock. */
    protected abstract void releaseOthers();

    @Override
    public synchronized boolean reserveMemory(long bytes) {
        if (done || bytes < 0) {
            return false;
        }
        if (!Chain.tryAdd(memoryChain(), Resource.MEMORY, bytes, refusals)) {
            return false;
        }
        memory += bytes;
        return true;
    }

    @Override
    public synchronized boolean reserveSpareMemory(long bytes) {
        if (done || bytes < 0 || !Chain.tryAddSpare(memoryChain(), Resource.MEMORY, bytes)) {
            return false;
        }
        memory += bytes;
        return true;
    }

    @Override
    public synchronized void holdMemory(long bytes) {
        if (!done && bytes > 0) {
            Chain.add(memoryChain(), Resource.MEMORY, bytes);
            memory += bytes;
        }
    }

    @Override
    public synchronized void releaseMemory(long bytes) {
        long released = Math.min(Math.max(bytes, 0), memory);
        if (!done && released > 0) {
            Chain.subtract(memoryChain(), Resource.MEMORY, released);
            memory -= released;
        }
    }

    @Override
    public synchronized void done() {
        if (done) {
            return;
        }
        Chain.subtract(memoryChain(), Resource.MEMORY, memory);
        memory = 0;
        releaseOthers();
        done = true;
    }

    protected synchronized boolean isDone() {
        return done;
    }

    protected synchronized long memory() {
        return memory;
    }
}
