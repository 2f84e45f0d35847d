package io.proactivecare.npc.io;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:} paths, the warehouse on one machine) with permissions
 * set through Java, not by starting a process. Without Hadoop's native library, which Spark's jars
 * do not carry, Hadoop sets the permissions of every folder and file a Parquet write makes by
 * running {@code chmod} with a four-digit octal mode: 336 processes in the sample's nightly job.
 * This sets the same mode as that command: the nine permission bits and the sticky bit as given,
 * and on a folder the set-user-ID and set-group-ID bits kept as they were (GNU chmod keeps them for
 * a numeric mode of four digits), so a folder shared through its group stays so. Where the file
 * system has no Unix modes, Hadoop's own way is used. Spark is told to use it with {@code
 * spark.hadoop.fs.file.impl} ({@link SparkSessions#LOCAL_FILES}).
 */
public final class LocalFiles extends LocalFileSystem {
  /** The set-user-ID and set-group-ID bits, which chmod keeps on a folder. */
  static final int KEPT_ON_FOLDERS = 06000;

  /** The Hadoop setting that names the file system of {@code file:} paths. */
  static final String HADOOP_SETTING = "fs.file.impl";

  public LocalFiles() {
    super(new Raw());
  }

  /**
   * A Hadoop configuration for reading local files outside Spark, with this file system: Hadoop
   * keeps one file system per scheme for the whole JVM, the first one asked for, so every
   * configuration the engine makes names it.
   */
  public static Configuration configuration() {
    Configuration conf = new Configuration();
    conf.set(HADOOP_SETTING, LocalFiles.class.getName());
    return conf;
  }

  /** The file system underneath the checksums: Hadoop's, but for how permissions are set. */
  public static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      java.nio.file.Path path = pathToFile(p).toPath();
      int old;
      try {
        old = (Integer) Files.getAttribute(path, "unix:mode");
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        super.setPermission(p, permission);
        return;
      }
      // One look at the file: its mode holds its type too (S_IFDIR for a folder).
      int mode = mode(permission, old, (old & 0170000) == 0040000);
      Files.setAttribute(path, "unix:mode", mode);
    }
  }

  /**
   * The mode {@code chmod NNNN} (four octal digits, as Hadoop gives it) leaves on a file or folder
   * whose mode was {@code old}: the permission's bits, and on a folder the old set-user-ID and
   * set-group-ID bits.
   */
  static int mode(FsPermission permission, int old, boolean folder) {
    int bits = permission.toShort() & 01777;
    return folder ? (old & KEPT_ON_FOLDERS) | bits : bits;
  }
}
