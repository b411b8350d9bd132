package dev.scenecache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time used so far, by who used it: the service, PostgreSQL, Redis, the load generator (this JVM)
 * and everything else on the machine, plus the machine's idle and stolen time, from {@code /proc}
 * (Linux only; empty elsewhere). The difference of two samples divided by the requests of a phase says
 * where a variant's CPU goes, which on a 2-core machine running all of them is what bounds its
 * throughput.
 */
record CpuSample(Map<String, Long> ticks) {

    /** Clock ticks per second of {@code /proc}'s counters ({@code getconf CLK_TCK}, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;
    private static final List<String> PARTS = List.of("service", "postgres", "redis", "load", "other", "idle", "steal");

    static CpuSample take(long servicePid) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (String part : PARTS) {
            ticks.put(part, 0L);
        }
        long self = ProcessHandle.current().pid();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
                    int close = stat.lastIndexOf(')');
                    String comm = stat.substring(stat.indexOf('(') + 1, close);
                    String[] fields = stat.substring(close + 2).split(" ");
                    long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
                    long pid = Long.parseLong(p.getFileName().toString());
                    String part = pid == servicePid ? "service"
                            : pid == self ? "load"
                                    : comm.startsWith("postgres") ? "postgres" : comm.startsWith("redis") ? "redis" : "other";
                    ticks.merge(part, used, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // The process ended while being read: its time is lost to both samples alike.
                }
            });
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            ticks.put("idle", Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]));
            ticks.put("steal", Long.parseLong(cpu[8]));
        } catch (IOException | RuntimeException e) {
            return new CpuSample(Map.of());
        }
        return new CpuSample(ticks);
    }

    /** Microseconds of CPU per request of each part between {@code before} and this sample. */
    Map<String, Double> microsPerRequest(CpuSample before, long requests) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (ticks.isEmpty() || before.ticks.isEmpty()) {
            return out;
        }
        ticks.forEach((part, now) -> out.put(part,
                Math.max(0, now - before.ticks.getOrDefault(part, 0L)) / TICKS_PER_SECOND * 1e6 / Math.max(1, requests)));
        return out;
    }
}
