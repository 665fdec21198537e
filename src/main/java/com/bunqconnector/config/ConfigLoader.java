package com.bunqconnector.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads {@code connector.json} with vertx-config and every {@code *.json} in the tenants directory
 * as the {@link TenantWatcher} reads them again ({@link #readTenantText}), and validates them. The
 * returned future fails with a {@link ConfigException} that names the file and the field of the first
 * mistake found.
 */
public final class ConfigLoader {

  /** The node file's name inside the configuration directory. */
  public static final String NODE_FILE = "connector.json";

  /** The largest tenant file read; a larger one is refused unread. */
  public static final long MAX_TENANT_FILE_BYTES = 1024 * 1024;

  /** A byte order mark, which some editors write at the start of a UTF-8 file; it is not part of the JSON. */
  private static final String BOM = "\uFEFF";

  private final Vertx vertx;
  private final Function<String, String> env;

  /** A loader that resolves {@code ${VAR}} references from the process environment. */
  public ConfigLoader(Vertx vertx) {
    this(vertx, System::getenv);
  }

  /** A loader that resolves {@code ${VAR}} references with the given lookup (for tests). */
  public ConfigLoader(Vertx vertx, Function<String, String> env) {
    this.vertx = vertx;
    this.env = env;
  }

  public Future<ConnectorConfig> load(Path confDir) {
    String nodeFile = confDir.resolve(NODE_FILE).toString();
    return readJson(nodeFile)
        .map(json -> NodeConfig.parse(nodeFile, json, env))
        .compose(node -> loadTenants(tenantsDir(confDir, node), node)
            .map(tenants -> new ConnectorConfig(node, tenants)));
  }

  /** The directory of the tenant files of {@code node}, whose configuration directory is {@code confDir}. */
  public static Path tenantsDir(Path confDir, NodeConfig node) {
    return confDir.resolve(node.tenantsDir());
  }

  /**
   * Reads the text of one tenant file as {@link #load} reads the files, for a file read again while the
   * node runs; a file without a {@code callbackToken} keeps the one {@code knownToken} gives for its id.
   *
   * @throws ConfigException naming the file and the field of the first mistake
   */
  public TenantConfig parseTenant(String file, String text, NodeConfig node, Function<String, String> knownToken) {
    JsonObject json;
    try {
      json = new JsonObject(text.startsWith(BOM) ? text.substring(BOM.length()) : text);
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException(file + ": " + jsonProblem(e));
    }
    return TenantFile.parse(file, json, node.environment(), env, knownToken);
  }

  /**
   * The text of one tenant file, read as UTF-8, at start and while the node runs alike. An entry that
   * is not a regular file (a dangling symbolic link, a FIFO, a directory) or is larger than
   * {@link #MAX_TENANT_FILE_BYTES} is refused without being opened.
   *
   * @return a future failed with a {@link ConfigException} naming the file when it cannot be read
   */
  public Future<String> readTenantText(String file) {
    return vertx.fileSystem().props(file).transform(props -> {
      if (props.failed()) {
        return Future.failedFuture(new ConfigException(file + ": cannot be read (is it a dangling symbolic link?): "
            + props.cause().getMessage()));
      }
      if (!props.result().isRegularFile()) {
        return Future.failedFuture(new ConfigException(file + ": is not a regular file"));
      }
      if (props.result().size() > MAX_TENANT_FILE_BYTES) {
        return Future.failedFuture(new ConfigException(file + ": is larger than " + MAX_TENANT_FILE_BYTES
            + " bytes"));
      }
      return vertx.fileSystem().readFile(file)
          .recover(e -> Future.failedFuture(new ConfigException(file + ": cannot be read: " + e.getMessage(), e)))
          .map(bytes -> bytes.toString(StandardCharsets.UTF_8));
    });
  }

  private Future<List<TenantConfig>> loadTenants(Path dir, NodeConfig node) {
    String dirName = dir.toString();
    return vertx.fileSystem().exists(dirName)
        .compose(exists -> exists
            ? vertx.fileSystem().props(dirName)
            : Future.failedFuture(new ConfigException(node.file() + ": tenantsDir: directory " + dirName
                + " does not exist")))
        .compose(props -> props.isDirectory()
            ? vertx.fileSystem().readDir(dirName, "[^.].*\\.json")
            : Future.failedFuture(new ConfigException(node.file() + ": tenantsDir: " + dirName
                + " is not a directory")))
        .compose(files -> {
          // readDir answers absolute paths: name files as the user wrote the directory.
          List<String> sorted = files.stream().map(file -> dir.resolve(Path.of(file).getFileName()).toString())
              .sorted().toList();
          List<Future<TenantConfig>> parsed = new ArrayList<>();
          for (String file : sorted) {
            parsed.add(readTenantText(file).map(text -> parseTenant(file, text, node, id -> null)));
          }
          return Future.all(parsed).map(all -> checkUnique(dirName, all.list()));
        });
  }

  private List<TenantConfig> checkUnique(String dir, List<TenantConfig> tenants) {
    if (tenants.isEmpty()) {
      throw new ConfigException(dir + ": no tenant files (*.json) in this directory");
    }
    Map<String, String> seen = new HashMap<>();
    for (TenantConfig tenant : tenants) {
      String other = seen.putIfAbsent(tenant.id(), tenant.file());
      if (other != null) {
        throw ConfigException.field(tenant.file(), "id", ConfigException.quote(tenant.id()) + " is already used by "
            + other);
      }
    }
    return tenants;
  }

  private Future<JsonObject> readJson(String file) {
    return vertx.fileSystem().exists(file).compose(exists -> {
      if (!exists) {
        return Future.failedFuture(new ConfigException(file + ": file does not exist"));
      }
      ConfigStoreOptions store = new ConfigStoreOptions()
          .setType("file")
          .setFormat("json")
          .setConfig(new JsonObject().put("path", file));
      ConfigRetriever retriever = ConfigRetriever.create(vertx,
          new ConfigRetrieverOptions().setScanPeriod(0).setIncludeDefaultStores(false).addStore(store));
      return retriever.getConfig()
          .eventually(retriever::close)
          .recover(e -> Future.failedFuture(new ConfigException(file + ": " + jsonProblem(e))));
    });
  }

  /**
   * What is wrong with a text that does not parse as a JSON object, with the line and column where
   * the parser stopped but without the parser's own words: they quote the text, which may be an API key
   * written without quotes.
   */
  static String jsonProblem(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof JsonProcessingException parse && parse.getLocation() != null) {
        return "is not valid JSON at line " + parse.getLocation().getLineNr() + " column "
            + parse.getLocation().getColumnNr();
      }
      if (cause instanceof ClassCastException) {
        return "is not a JSON object";
      }
    }
    return "is not a valid JSON object";
  }

  /** The configuration directory {@code node} was loaded from: the directory of its node file. */
  public static Path confDir(NodeConfig node) {
    Path parent = Path.of(node.file()).getParent();
    return parent != null ? parent : Path.of("");
  }

  /** Resolves a file named in the node configuration against the configuration directory. */
  public static Path resolve(Path confDir, String file) {
    Path path = Path.of(file);
    return path.isAbsolute() ? path : confDir.resolve(path);
  }
}
