/* Fuzzes the sensor CSV reader and the cleaning that follows (src/sensors/data.c) with a case of
 * three sensors SG1, TC1, LC1: a file is read and cleaned, or refused with one message. */
#include "fuzz_common.h"
#include "fuzz_readers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static FtSensor sensors[3];
  FtSensorsCase   sc;
  FtSensorData    d;
  char            err[1024] = "";
  FuzzSensorsCase(&sc, sensors, FuzzFile(data, size, "csv"), 1e4);
  int rc = FtSensorDataRead(&sc, &d, err, sizeof err);
  FuzzCheckMessage(rc, err);
  if (!rc) {
    FILE *null = fopen("/dev/null", "w");
    FtSensorDataReport(&sc, &d, null);
    fclose(null);
    FtSensorDataFree(&d);
  }
  return 0;
}
