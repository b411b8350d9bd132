package dev.scenecache.health;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import sun.misc.Signal;

/**
 * SIGTERM, as Kubernetes sends it to stop a pod, is a normal end: the service shuts down as on any exit
 * (readiness DOWN for {@code SHUTDOWN_DELAY} while requests are still served, then requests in flight
 * finish for up to {@code SHUTDOWN_TIMEOUT}, then the invalidation subscription and the pools close)
 * and exits with 0. Without this, the JVM runs the same shutdown from its hook but exits with 143,
 * which reads as a failure in process supervisors and container runtimes. A second SIGTERM while
 * stopping changes nothing; SIGKILL at the end of the grace period still ends the process.
 *
 * <p>
 * Only in a normal launch: dev mode and the tests keep the JVM's own handling.
 */
@ApplicationScoped
public class Termination {

    private static final Logger LOG = Logger.getLogger(Termination.class);
    private final AtomicBoolean stopping = new AtomicBoolean();

    void onStart(@Observes StartupEvent event) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        Signal.handle(new Signal("TERM"), signal -> {
            if (stopping.compareAndSet(false, true)) {
                LOG.info("SIGTERM: readiness DOWN, finishing the requests in flight, then exiting");
                Quarkus.asyncExit(0);
            }
        });
    }
}
