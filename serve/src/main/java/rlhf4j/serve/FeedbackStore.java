package rlhf4j.serve;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Human feedback (thumbs on chat answers, comparisons of sampled answers) in a JDBC database: a
 * SQLite file by default, PostgreSQL by URL. The schema is versioned: {@code schema_version}
 * records each migration applied, and {@link #open} applies the missing ones in order, each in
 * its own transaction. Every save is one transaction that has committed when the method returns,
 * so a page is told "saved" only for what is on disk. The SQL is the subset both databases
 * share (text ids made here, ISO-8601 text times), so one set of migrations serves both.
 */
public final class FeedbackStore implements AutoCloseable {
    /** One schema step; its statements run in one transaction together with its version row. */
    public record Migration(int version, String description, List<String> statements) {}

    public static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "ratings and comparisons", List.of(
                    """
                    CREATE TABLE ratings (
                      id TEXT PRIMARY KEY, created_at TEXT NOT NULL, model TEXT NOT NULL,
                      messages TEXT NOT NULL, response TEXT NOT NULL,
                      rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
                      labeler TEXT, note TEXT, sampling TEXT)""",
                    """
                    CREATE TABLE comparisons (
                      id TEXT PRIMARY KEY, created_at TEXT NOT NULL, prompt TEXT NOT NULL, source TEXT,
                      labeler TEXT, outcome TEXT NOT NULL CHECK (outcome IN ('best', 'tie', 'both_bad')),
                      best_index INTEGER, note TEXT)""",
                    """
                    CREATE TABLE comparison_responses (
                      comparison_id TEXT NOT NULL REFERENCES comparisons(id), position INTEGER NOT NULL,
                      model TEXT NOT NULL, content TEXT NOT NULL, sampling TEXT,
                      PRIMARY KEY (comparison_id, position))""",
                    "CREATE INDEX comparisons_labeler ON comparisons(labeler)")));

    /** How a person judged the answers shown for one prompt. */
    public enum Outcome {
        BEST("best"), TIE("tie"), BOTH_BAD("both_bad");

        public final String db;

        Outcome(String db) { this.db = db; }

        static Outcome of(String db) {
            for (Outcome o : values()) if (o.db.equals(db)) return o;
            throw new IllegalArgumentException("unknown outcome '" + db + "' in the database");
        }
    }

    /** One answer shown on the comparison page. */
    public record Response(String model, String content, String sampling) {}

    /**
     * @param prompt    JSON text: a string, or a list of chat messages
     * @param bestIndex position of the preferred response when the outcome is BEST
     */
    public record Comparison(String id, String createdAt, String prompt, String source, String labeler, Outcome outcome,
                             Integer bestIndex, String note, List<Response> responses) {
        public Comparison {
            if (responses.size() < 2) throw new IllegalArgumentException("a comparison needs at least two responses");
            if ((outcome == Outcome.BEST) != (bestIndex != null)) throw new IllegalArgumentException(
                    "a best index is given exactly when the outcome is 'best'");
            if (bestIndex != null && (bestIndex < 0 || bestIndex >= responses.size())) throw new IllegalArgumentException(
                    "best index " + bestIndex + " is not one of the " + responses.size() + " responses");
            responses = List.copyOf(responses);
        }
    }

    /** @param messages JSON text of the conversation before the answer; rating is +1 or -1 */
    public record Rating(String id, String createdAt, String model, String messages, String response, int rating,
                         String labeler, String note, String sampling) {
        public Rating {
            if (rating != 1 && rating != -1) throw new IllegalArgumentException("a rating is +1 or -1, got " + rating);
        }
    }

    private final String url;
    private final Connection conn;
    private final int schemaVersion;

    private FeedbackStore(String url, Connection conn, int schemaVersion) {
        this.url = url;
        this.conn = conn;
        this.schemaVersion = schemaVersion;
    }

    /** A JDBC URL, or a plain file path meaning a SQLite file. */
    public static String jdbcUrl(String dbOrPath) {
        return dbOrPath.startsWith("jdbc:") ? dbOrPath : "jdbc:sqlite:" + dbOrPath;
    }

    public static FeedbackStore open(String dbOrPath) throws SQLException {
        return open(dbOrPath, MIGRATIONS);
    }

    /** Opens the database and brings its schema up to the last of {@code migrations}. */
    public static FeedbackStore open(String dbOrPath, List<Migration> migrations) throws SQLException {
        String url = jdbcUrl(dbOrPath);
        Connection c = DriverManager.getConnection(url);
        try {
            if (url.startsWith("jdbc:sqlite:")) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 5000");
                    s.execute("PRAGMA journal_mode = WAL");
                    s.execute("PRAGMA synchronous = FULL"); // a committed save survives a power cut
                    s.execute("PRAGMA foreign_keys = ON");
                }
            }
            int version = migrate(c, migrations);
            return new FeedbackStore(url, c, version);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static int migrate(Connection c, List<Migration> migrations) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            c.commit();
        }
        int current = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            if (rs.next()) current = rs.getInt(1);
        }
        int known = migrations.isEmpty() ? 0 : migrations.getLast().version();
        if (current > known) throw new SQLException("the feedback database is at schema version " + current
                + " but this rlhf4j knows only up to " + known + "; use a newer rlhf4j");
        for (Migration m : migrations) {
            if (m.version() <= current) continue;
            try (Statement s = c.createStatement()) {
                for (String sql : m.statements()) s.execute(sql);
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, m.version());
                    p.setString(2, m.description());
                    p.setString(3, Instant.now().toString());
                    p.executeUpdate();
                }
                c.commit();
                current = m.version();
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("migration " + m.version() + " (" + m.description() + ") failed: " + e.getMessage(), e);
            }
        }
        return current;
    }

    public int schemaVersion() { return schemaVersion; }

    public String url() { return url; }

    /** Saves a rating in one transaction; returns its id. */
    public synchronized String saveRating(String model, String messagesJson, String response, int rating, String labeler,
                                          String note, String sampling) throws SQLException {
        Rating r = new Rating(UUID.randomUUID().toString(), Instant.now().toString(), model, messagesJson, response,
                rating, labeler, note, sampling);
        try (PreparedStatement p = conn.prepareStatement(
                "INSERT INTO ratings (id, created_at, model, messages, response, rating, labeler, note, sampling) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, r.id());
            p.setString(2, r.createdAt());
            p.setString(3, r.model());
            p.setString(4, r.messages());
            p.setString(5, r.response());
            p.setInt(6, r.rating());
            p.setString(7, r.labeler());
            p.setString(8, r.note());
            p.setString(9, r.sampling());
            p.executeUpdate();
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        }
        return r.id();
    }

    /** Saves a comparison and its responses in one transaction (all or nothing); returns its id. */
    public synchronized String saveComparison(String promptJson, String source, String labeler, Outcome outcome,
                                              Integer bestIndex, String note, List<Response> responses) throws SQLException {
        Comparison c = new Comparison(UUID.randomUUID().toString(), Instant.now().toString(), promptJson, source, labeler,
                outcome, bestIndex, note, responses);
        try {
            try (PreparedStatement p = conn.prepareStatement(
                    "INSERT INTO comparisons (id, created_at, prompt, source, labeler, outcome, best_index, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, c.id());
                p.setString(2, c.createdAt());
                p.setString(3, c.prompt());
                p.setString(4, c.source());
                p.setString(5, c.labeler());
                p.setString(6, c.outcome().db);
                if (c.bestIndex() == null) p.setNull(7, java.sql.Types.INTEGER);
                else p.setInt(7, c.bestIndex());
                p.setString(8, c.note());
                p.executeUpdate();
            }
            try (PreparedStatement p = conn.prepareStatement(
                    "INSERT INTO comparison_responses (comparison_id, position, model, content, sampling) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < c.responses().size(); i++) {
                    Response r = c.responses().get(i);
                    p.setString(1, c.id());
                    p.setInt(2, i);
                    p.setString(3, r.model());
                    p.setString(4, r.content());
                    p.setString(5, r.sampling());
                    p.addBatch();
                }
                p.executeBatch();
            }
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        }
        return c.id();
    }

    /** Every comparison, oldest first, with its responses in the order they were shown. */
    public synchronized List<Comparison> comparisons() throws SQLException {
        Map<String, List<Response>> responses = new LinkedHashMap<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT comparison_id, model, content, sampling FROM comparison_responses ORDER BY comparison_id, position")) {
            while (rs.next()) responses.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                    .add(new Response(rs.getString(2), rs.getString(3), rs.getString(4)));
        }
        List<Comparison> out = new ArrayList<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id, created_at, prompt, source, labeler, outcome, best_index, note FROM comparisons ORDER BY created_at, id")) {
            while (rs.next()) {
                int best = rs.getInt(7);
                Integer bestIndex = rs.wasNull() ? null : best;
                out.add(new Comparison(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        Outcome.of(rs.getString(6)), bestIndex, rs.getString(8), responses.getOrDefault(rs.getString(1), List.of())));
            }
        }
        conn.commit();
        return out;
    }

    public synchronized List<Rating> ratings() throws SQLException {
        List<Rating> out = new ArrayList<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id, created_at, model, messages, response, rating, labeler, note, sampling FROM ratings ORDER BY created_at, id")) {
            while (rs.next()) out.add(new Rating(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9)));
        }
        conn.commit();
        return out;
    }

    /** Prompts (as stored JSON text) that this labeler has judged; null labeler means anonymous ones. */
    public synchronized Set<String> promptsJudgedBy(String labeler) throws SQLException {
        Set<String> out = new HashSet<>();
        String sql = labeler == null ? "SELECT prompt FROM comparisons WHERE labeler IS NULL"
                : "SELECT prompt FROM comparisons WHERE labeler = ?";
        try (PreparedStatement p = conn.prepareStatement(sql)) {
            if (labeler != null) p.setString(1, labeler);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        conn.commit();
        return out;
    }

    /** Row counts, for the pages' progress and /health. */
    public synchronized long count(String table) throws SQLException {
        if (!Set.of("ratings", "comparisons").contains(table)) throw new IllegalArgumentException("no table " + table);
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            long n = rs.getLong(1);
            conn.commit();
            return n;
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        conn.close();
    }
}
