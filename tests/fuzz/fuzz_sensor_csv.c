/* Fuzzes the sensor CSV reader and the cleaning that follows (src/sensors/data.c) with a case of
 * three sensors SG1, TC1, LC1: a file is read and cleaned, or refused with one message. */
#include "fuzz_common.h"
#include "sensors/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static FtSensor sensors[3];
  const char     *ids[3] = {"SG1", "TC1", "LC1"}, *units[3] = {"microstrain", "degC", "kN"};
  FtSensorsCase   sc;
  FtSensorData    d;
  char            err[1024] = "";
  memset(&sc, 0, sizeof sc);
  memset(sensors, 0, sizeof sensors);
  for (int i = 0; i < 3; i++) {
    snprintf(sensors[i].id, sizeof sensors[i].id, "%s", ids[i]);
    snprintf(sensors[i].unit, sizeof sensors[i].unit, "%s", units[i]);
    sensors[i].noise    = 1;
    sensors[i].to_si    = 1;
    sensors[i].range[0] = -1e4;
    sensors[i].range[1] = 1e4;
    sensors[i].channel  = -1;
  }
  FtSensorsCleaningDefaults(&sc);
  sc.enabled  = 1;
  sc.sensors  = sensors;
  sc.nsensors = 3;
  snprintf(sc.data, sizeof sc.data, "%s", FuzzFile(data, size, "csv"));
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
