/*
 * A corrected copy of rapaio-jupyter-kernel's LoopThread (MIT License, Copyright 2023-2026 Aurelian
 * Tutuianu, https://github.com/padreati/rapaio-jupyter-kernel), same package, name and API, put
 * before the kernel's jar on the classpath by notebooks/setup. It fixes the kernel's start hang
 * (about one start in four under jupyter_client never answered kernel_info):
 *
 * 1. The original start() calls Thread.start() and only then sets running = true. When the new
 *    thread reaches `while (running)` first, it ends at once: that channel (shell, control,
 *    heartbeat...) is never polled again and the kernel never answers. Here running is set first.
 * 2. The shell loop starts while Channels.connect() is still binding the other sockets, before
 *    its handler map exists; a request arriving then threw out of the loop body and ended the
 *    thread. Here one failed iteration is logged and the loop goes on (jupyter_client re-sends
 *    kernel_info every second until it is answered).
 */
package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Thread which runs in loop the loop body after each waiting period. */
public final class LoopThread extends Thread {

    private static final Logger LOGGER = Logger.getLogger(LoopThread.class.getSimpleName());

    private volatile boolean running = false;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                LOGGER.log(Level.SEVERE, getName() + ": loop iteration failed, continuing", e);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
