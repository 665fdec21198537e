package com.bunqconnector.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the tenants directory while the node runs: every {@code tenantsPollMs} it lists the
 * {@code *.json} files with Vert.x's asynchronous file system calls, reads them, and reports the
 * tenants a new, changed or deleted file adds, changes or removes. The next read starts only once
 * the node has applied the last changes, so changes are applied one read at a time, in order.
 *
 * <p>A file that does not read (bad JSON, a bad field, an id another file already uses) is rejected
 * with a warning naming the file and the field; the tenant it held keeps running as it was, and
 * the same problem is reported once, not on every read. A rejected file is tried again on every
 * read, so one refused for a conflict (an id another file held, a user added at run time) is applied
 * once the conflict is gone. A listed entry that is not a regular file (a dangling symbolic link, a
 * FIFO) or cannot be read is rejected the same way, is never opened, and is not taken for a deleted
 * file. A file read again without a {@code callbackToken} keeps the token its tenant runs with.
 */
public final class TenantWatcher {

  private static final Logger log = LoggerFactory.getLogger(TenantWatcher.class);

  /** What one read of the directory changed. */
  public record Changes(List<TenantConfig> added, List<Change> changed, List<TenantConfig> removed) {

    public Changes {
      added = List.copyOf(added);
      changed = List.copyOf(changed);
      removed = List.copyOf(removed);
    }

    public boolean isEmpty() {
      return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }
  }

  /** A tenant whose file changed: how it ran, and how it runs now. */
  public record Change(TenantConfig before, TenantConfig after) {
  }

  /** A file as last read: its text, and the tenant it holds ({@code null} if it was never accepted). */
  private record Known(String text, TenantConfig tenant) {
  }

  /** One listed file as read now: its text, or why it could not be read (naming the file). */
  private record Read(String text, String problem) {
  }

  private final Vertx vertx;
  private final ConfigLoader loader;
  private final NodeConfig node;
  private final Path dir;
  private final Consumer<TenantConfig> check;
  private final Function<Changes, Future<Void>> apply;
  /** Files by name as the node names them ({@code <tenantsDir>/<file>}); touched by one read at a time. */
  private final Map<String, Known> files = new TreeMap<>();
  /** The current rejection of each file whose last text was rejected. */
  private final Map<String, String> rejections = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private volatile long timer = -1;
  private String listingProblem;

  /**
   * @param confDir the configuration directory the node was loaded from
   * @param running the tenants the node runs now, as loaded from their files
   * @param check   refuses, with a {@link ConfigException} naming the file and field, a tenant that reads but
   *                that the node cannot run as it stands
   * @param apply   applies what a read changed; the next read waits for its future
   */
  public TenantWatcher(Vertx vertx, ConfigLoader loader, Path confDir, NodeConfig node, List<TenantConfig> running,
      Consumer<TenantConfig> check, Function<Changes, Future<Void>> apply) {
    this.vertx = vertx;
    this.loader = loader;
    this.node = node;
    this.dir = ConfigLoader.tenantsDir(confDir, node);
    this.check = check;
    this.apply = apply;
    for (TenantConfig tenant : running) {
      files.put(tenant.file(), new Known(null, tenant));
    }
  }

  /** Starts reading the directory every {@code tenantsPollMs}; does nothing when that is 0. */
  public void start() {
    if (node.tenantsPollMs() > 0) {
      log.info("Watching {} for tenant files, every {} ms", dir, node.tenantsPollMs());
      schedule();
    }
  }

  /** Stops the reads; one under way still applies what it found. */
  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Each rejected file's message ({@code file: field: problem}), as long as its text stays the rejected one. */
  public Map<String, String> rejections() {
    return Map.copyOf(rejections);
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(node.tenantsPollMs(), id -> scan().onComplete(done -> schedule()));
    }
  }

  /** Reads the directory once and applies what changed. Do not run two at a time. */
  Future<Changes> scan() {
    String dirName = dir.toString();
    return vertx.fileSystem().readDir(dirName, "[^.].*\\.json")
        .transform(listed -> {
          if (listed.failed()) {
            String problem = dirName + ": cannot be read: " + listed.cause().getMessage();
            if (!problem.equals(listingProblem)) {
              log.warn("{}; the tenants keep running as they are", problem);
            }
            listingProblem = problem;
            return Future.succeededFuture(new Changes(List.of(), List.of(), List.of()));
          }
          listingProblem = null;
          return readAll(listed.result()).map(this::compare);
        })
        .compose(changes -> changes.isEmpty() ? Future.succeededFuture(changes)
            : apply.apply(changes).otherwiseEmpty().map(changes));
  }

  /**
   * What each listed file holds, by its name. A listed entry that cannot be read as a regular file is a
   * problem of that file, not a removal (see {@link ConfigLoader#readTenantText}).
   */
  private Future<Map<String, Read>> readAll(List<String> listed) {
    Map<String, Future<Read>> reads = new TreeMap<>();
    for (String file : listed) {
      String name = dir.resolve(Path.of(file).getFileName()).toString();
      reads.put(name, loader.readTenantText(name).map(text -> new Read(text, null))
          .otherwise(e -> new Read(null, e.getMessage())));
    }
    return Future.join(new ArrayList<>(reads.values())).otherwiseEmpty().map(all -> {
      Map<String, Read> found = new TreeMap<>();
      reads.forEach((file, read) -> found.put(file, read.result()));
      return found;
    });
  }

  private Changes compare(Map<String, Read> reads) {
    List<TenantConfig> added = new ArrayList<>();
    List<Change> changed = new ArrayList<>();
    List<TenantConfig> removed = new ArrayList<>();
    for (String file : List.copyOf(files.keySet())) {
      if (!reads.containsKey(file)) {
        Known gone = files.remove(file);
        rejections.remove(file);
        if (gone.tenant() != null) {
          removed.add(gone.tenant());
        }
      }
    }
    for (Map.Entry<String, Read> entry : reads.entrySet()) {
      String file = entry.getKey();
      Known known = files.get(file);
      TenantConfig held = known == null ? null : known.tenant();
      if (entry.getValue().problem() != null) {
        files.put(file, new Known(null, held));
        reject(file, entry.getValue().problem(), held);
        continue;
      }
      String text = entry.getValue().text();
      if (known != null && text.equals(known.text()) && !rejections.containsKey(file)) {
        continue;
      }
      TenantConfig before = known == null ? null : known.tenant();
      TenantConfig after;
      try {
        after = loader.parseTenant(file, text, node, this::tokenOf);
        checkUnique(file, after);
        check.accept(after);
      } catch (ConfigException e) {
        files.put(file, new Known(text, before));
        reject(file, e.getMessage(), before);
        continue;
      }
      rejections.remove(file);
      files.put(file, new Known(text, after));
      if (before == null) {
        added.add(after);
      } else if (!before.id().equals(after.id())) {
        removed.add(before);
        added.add(after);
      } else if (!before.equals(after)) {
        changed.add(new Change(before, after));
      }
    }
    return new Changes(added, changed, removed);
  }

  /** Records the rejection of a file, logging it when it is not the one already recorded for that file. */
  private void reject(String file, String problem, TenantConfig held) {
    if (!problem.equals(rejections.put(file, problem))) {
      log.warn("Rejected a tenant file: {}; {}", problem, held == null
          ? "it is not applied" : "tenant " + held.id() + " keeps running as it was");
    }
  }

  private void checkUnique(String file, TenantConfig tenant) {
    for (Map.Entry<String, Known> other : files.entrySet()) {
      TenantConfig held = other.getValue().tenant();
      if (!other.getKey().equals(file) && held != null && held.id().equals(tenant.id())) {
        throw ConfigException.field(file, "id", ConfigException.quote(tenant.id()) + " is already used by "
            + other.getKey());
      }
    }
  }

  /** The callback token tenant {@code id} runs with, or {@code null} when no file holds it. */
  private String tokenOf(String id) {
    return files.values().stream().map(Known::tenant).filter(tenant -> tenant != null && tenant.id().equals(id))
        .map(TenantConfig::callbackToken).findFirst().orElse(null);
  }
}
