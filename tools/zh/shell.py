"""The main window's shell and its page controllers."""

ZH = {
    "Vehicle {0} is not in the vehicle table.": "车辆 {0} 不在车辆表中。",
}
