package io.proactivecare.npc.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.SparkTestSession;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFilesTest {
  @TempDir java.nio.file.Path tmp;

  private static int mode(java.nio.file.Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
  }

  private static void setMode(java.nio.file.Path p, int mode) throws Exception {
    Files.setAttribute(p, "unix:mode", mode);
  }

  private static FileSystem open(FileSystem fs) throws Exception {
    fs.initialize(URI.create("file:///"), new Configuration());
    return fs;
  }

  private static Path hadoop(java.nio.file.Path p) {
    return new Path(p.toUri());
  }

  @Test
  void theEnginesSessionsAndItsOwnConfigurationsUseIt() throws Exception {
    assertEquals(
        LocalFiles.class.getName(), SparkSessions.fixedSettings().get(SparkSessions.LOCAL_FILES));
    assertInstanceOf(LocalFiles.class, hadoop(tmp).getFileSystem(LocalFiles.configuration()));
    Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    assertInstanceOf(LocalFiles.class, hadoop(tmp).getFileSystem(conf));
    SparkTestSession.get()
        .createDataset(List.of(1, 2, 3), Encoders.INT())
        .write()
        .mode(SaveMode.ErrorIfExists)
        .parquet(tmp.resolve("t").toString());
    assertEquals(3, ParquetRows.count(tmp.resolve("t")));
  }

  /** Hadoop's own and this, given the same starting modes and calls, leave the same modes. */
  @Test
  void modesAreWhatHadoopsChmodLeaves() throws Exception {
    FileSystem ours = open(new LocalFiles());
    FileSystem theirs = open(new LocalFileSystem());
    // {mode before, permission given}: folders and files, with and without set-user-ID,
    // set-group-ID (a folder shared through its group) and sticky bits.
    int[][] cases = {
      {0755, 0750},
      {0700, 0755},
      {02775, 0750},
      {04755, 0711},
      {06775, 0700},
      {0755, 01777},
      {01777, 0755},
      {0755, 0213}
    };
    for (boolean folder : new boolean[] {true, false}) {
      for (int[] c : cases) {
        java.nio.file.Path a = tmp.resolve("ours-" + folder + "-" + c[0] + "-" + c[1]);
        java.nio.file.Path b = tmp.resolve("theirs-" + folder + "-" + c[0] + "-" + c[1]);
        for (java.nio.file.Path p : List.of(a, b)) {
          if (folder) {
            Files.createDirectory(p);
          } else {
            Files.writeString(p, "x");
          }
          setMode(p, c[0]);
        }
        ours.setPermission(hadoop(a), new FsPermission((short) c[1]));
        theirs.setPermission(hadoop(b), new FsPermission((short) c[1]));
        String what =
            (folder ? "folder " : "file ")
                + Integer.toOctalString(c[0])
                + " given "
                + Integer.toOctalString(c[1]);
        assertEquals(Integer.toOctalString(mode(b)), Integer.toOctalString(mode(a)), what);
      }
    }
    // Folders made with and without a permission, and their parents, under the umask.
    for (short perm : new short[] {0750, 0711}) {
      java.nio.file.Path a = tmp.resolve("made-ours-" + perm + "/x/y");
      java.nio.file.Path b = tmp.resolve("made-theirs-" + perm + "/x/y");
      ours.mkdirs(hadoop(a), new FsPermission(perm));
      theirs.mkdirs(hadoop(b), new FsPermission(perm));
      assertEquals(mode(b), mode(a), "mkdirs " + Integer.toOctalString(perm));
      assertEquals(mode(b.getParent()), mode(a.getParent()));
    }
    ours.mkdirs(hadoop(tmp.resolve("plain-ours")));
    theirs.mkdirs(hadoop(tmp.resolve("plain-theirs")));
    assertEquals(mode(tmp.resolve("plain-theirs")), mode(tmp.resolve("plain-ours")));
  }

  @Test
  void noProcessIsStarted() throws Exception {
    assertEquals(0, chmods(open(new LocalFiles()), "ours"));
    // The check can see them: Hadoop's own, without its native library, starts one per call.
    assertTrue(chmods(open(new LocalFileSystem()), "theirs") > 0);
  }

  /** The chmod processes started while {@code fs} makes folders and sets permissions. */
  private long chmods(FileSystem fs, String name) throws Exception {
    java.nio.file.Path jfr = tmp.resolve(name + ".jfr");
    try (Recording r = new Recording()) {
      r.enable("jdk.ProcessStart");
      r.start();
      fs.mkdirs(hadoop(tmp.resolve(name + "/a/b")), new FsPermission((short) 0750));
      fs.setPermission(hadoop(tmp.resolve(name + "/a")), new FsPermission((short) 01777));
      r.stop();
      r.dump(jfr);
    }
    return RecordingFile.readAllEvents(jfr).stream()
        .map(RecordedEvent::toString)
        .filter(e -> e.contains("chmod"))
        .count();
  }
}
