package io.proactivecare.npc.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.proactivecare.npc.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFilesTest {
  @TempDir java.nio.file.Path tmp;

  private static String mode(java.nio.file.Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void hadoopPermissionsBecomeTheSamePosixPermissions() {
    assertEquals(
        "rwxr-xr--",
        PosixFilePermissions.toString(LocalFiles.posix(new FsPermission((short) 0754))));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(LocalFiles.posix(new FsPermission((short) 0600))));
    assertEquals(
        "-w---x-wx",
        PosixFilePermissions.toString(LocalFiles.posix(new FsPermission((short) 0213))));
    // Java cannot set a sticky bit: Hadoop's own way (chmod) is used for it.
    assertNull(LocalFiles.posix(new FsPermission((short) 01777)));
  }

  @Test
  void sparkWritesLocalFilesThroughIt() throws Exception {
    Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    FileSystem fs = new Path(tmp.toUri()).getFileSystem(conf);
    assertInstanceOf(LocalFiles.class, fs);

    SparkTestSession.get()
        .createDataset(List.of(1, 2, 3), org.apache.spark.sql.Encoders.INT())
        .write()
        .mode(SaveMode.ErrorIfExists)
        .parquet(tmp.resolve("t").toString());
    assertEquals(3, ParquetRows.count(tmp.resolve("t")));
  }

  @Test
  void foldersAndFilesGetWhatHadoopsOwnWouldGive() throws Exception {
    Configuration conf = new Configuration();
    FileSystem ours = new LocalFiles();
    ours.initialize(java.net.URI.create("file:///"), conf);
    FileSystem hadoops = new LocalFileSystem();
    hadoops.initialize(java.net.URI.create("file:///"), conf);
    for (short perm : new short[] {0750, 0700, 0755, 0711}) {
      java.nio.file.Path a = tmp.resolve("ours-" + perm + "/x/y");
      java.nio.file.Path b = tmp.resolve("hadoops-" + perm + "/x/y");
      ours.mkdirs(new Path(a.toUri()), new FsPermission(perm));
      hadoops.mkdirs(new Path(b.toUri()), new FsPermission(perm));
      assertEquals(mode(b), mode(a), "mkdirs " + Integer.toOctalString(perm));
      assertEquals(
          mode(b.getParent()), mode(a.getParent()), "parent " + Integer.toOctalString(perm));
    }
    java.nio.file.Path f = Files.writeString(tmp.resolve("f.txt"), "x");
    ours.setPermission(new Path(f.toUri()), new FsPermission((short) 0640));
    assertEquals("rw-r-----", mode(f));
    // Plain mkdirs: the default permission less the umask, as Hadoop's.
    ours.mkdirs(new Path(tmp.resolve("plain-ours").toUri()));
    hadoops.mkdirs(new Path(tmp.resolve("plain-hadoops").toUri()));
    assertEquals(mode(tmp.resolve("plain-hadoops")), mode(tmp.resolve("plain-ours")));
  }
}
