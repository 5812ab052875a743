package silver.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded with its Bolt connector on a loopback address.
 *
 * Arguments: HOME_DIR LOG_DIR HOST PORT. The password of the "neo4j" user is read from the
 * environment variable NEO4J_PASSWORD and set on every start, so the server always runs with
 * authentication and the password lives only in the developer's var/ directory.
 *
 * The page cache (the store files Neo4j keeps in memory, outside the Java heap) is read from
 * SILVER_NEO4J_PAGECACHE, e.g. "2g" or "256m" (default 256m); ops/services.sh sets it and the
 * heap (-Xmx, SILVER_NEO4J_HEAP).
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Launcher HOME_DIR LOG_DIR HOST PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path logs = Path.of(args[1]).toAbsolutePath();
        String host = args[2];
        int port = Integer.parseInt(args[3]);
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must be set (at least 8 characters)");
            System.exit(2);
        }
        long pageCache;
        try {
            pageCache = ByteUnit.parse(System.getenv().getOrDefault("SILVER_NEO4J_PAGECACHE", "256m"));
        } catch (IllegalArgumentException e) {
            System.err.println("SILVER_NEO4J_PAGECACHE must be a size such as 2g or 512m: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(home);
        Files.createDirectories(logs);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.logs_directory, logs)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .build();

        try {
            setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
        } catch (RuntimeException e) {
            // Neo4j's own threads would keep the JVM alive after main fails: shut down and exit.
            e.printStackTrace();
            dbms.shutdown();
            System.exit(1);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));
        System.out.println("neo4j ready: bolt://" + host + ":" + port);
        System.out.flush();
        stopped.await();
    }

    /** Sets the password of "neo4j"; on a restart it usually has it already, which is fine. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                String message = t.getMessage();
                if (message != null && message.contains("Old password and new password cannot be the same")) {
                    return;
                }
            }
            throw e;
        }
    }
}
