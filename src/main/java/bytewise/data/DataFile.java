package bytewise.data;

/**
 * One document of a corpus as a run records it: its name (the path relative to the folder it was
 * found in, or the file name), its size in bytes and the hex SHA-256 of its content.
 */
public record DataFile(String name, long size, String sha256) {}
