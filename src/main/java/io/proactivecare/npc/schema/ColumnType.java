package io.proactivecare.npc.schema;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The types a canonical column may have, and how each is stored in the conformed Parquet. */
public enum ColumnType {
  STRING(DataTypes.StringType),
  DATE(DataTypes.DateType),
  INTEGER(DataTypes.IntegerType),
  DOUBLE(DataTypes.DoubleType),
  /** A list of codes, written in CSV as one field separated by {@code ;}. */
  STRING_LIST(DataTypes.createArrayType(DataTypes.StringType, false));

  private final DataType sparkType;

  ColumnType(DataType sparkType) {
    this.sparkType = sparkType;
  }

  public DataType sparkType() {
    return sparkType;
  }
}
