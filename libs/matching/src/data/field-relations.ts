/**
 * Pairs of fields that are genuinely related, so that a need in one field can still be matched,
 * with a lower field score, to a listing filed under the other. Each pair is symmetric: [a, b]
 * also means [b, a]; list a pair once. A field is always related to itself and is not listed.
 */
import type { FieldCode } from './domain-dictionary.js';

export const RELATED_FIELDS: readonly (readonly [FieldCode, FieldCode])[] = [
  // Chips are the core parts of electronic products: RF, power, MCU, driver ICs.
  ['ic', 'electronics'],
  // MEMS and CMOS image sensors are made on integrated-circuit process lines.
  ['ic', 'sensors'],
  // AI chips and accelerators (GPU, NPU) are designed for AI workloads.
  ['ic', 'ai'],
  // Semiconductor materials: SiC substrates, photoresist, sputtering targets, electronic gases.
  ['ic', 'materials'],
  // Automotive-grade chips and SiC/IGBT power modules for electric drives.
  ['ic', 'nev'],
  // Display driver ICs and silicon backplanes of micro-displays (硅基OLED).
  ['ic', 'display'],
  // Models are trained on data; data platforms serve AI applications.
  ['ai', 'bigdata'],
  // Machine vision, grasp planning and embodied intelligence run on robots.
  ['ai', 'robotics'],
  // Visual inspection, predictive maintenance and scheduling optimisation in factories.
  ['ai', 'smart-mfg'],
  // Perception and decision-making for autonomous driving.
  ['ai', 'nev'],
  // Data elements, platforms and data security are what the digital economy trades on.
  ['bigdata', 'digital-economy'],
  // Robots are the workhorses of automated lines and smart factories.
  ['robotics', 'smart-mfg'],
  // Robots, reducers and servo systems are high-end equipment, and they load machine tools.
  ['robotics', 'equipment'],
  // Force/torque sensors, encoders, 3D vision and LiDAR give robots their senses.
  ['robotics', 'sensors'],
  // MES, PLM, SCADA and digital twins are the software of smart manufacturing.
  ['industrial-software', 'smart-mfg'],
  // CAD/CAE/CAM design and simulate machines, and control software runs them.
  ['industrial-software', 'equipment'],
  // CNC machine tools and production equipment are the hardware of smart manufacturing.
  ['equipment', 'smart-mfg'],
  // Condition monitoring and industrial IoT start from sensors on machines.
  ['sensors', 'smart-mfg'],
  // Sensor chips, signal conditioning and wireless modules are electronic components.
  ['sensors', 'electronics'],
  // LiDAR, millimetre-wave radar and pressure sensors of connected vehicles.
  ['sensors', 'nev'],
  // Aero-engines and airframes need precision machining, casting and repair equipment.
  ['aerospace', 'equipment'],
  // High-temperature alloys, titanium alloys and composites for airframes and engines.
  ['aerospace', 'materials'],
  // Avionics, satellite communication and navigation receivers are electronic systems.
  ['aerospace', 'electronics'],
  // Power batteries, charging, fuel cells and hydrogen link vehicles and new energy.
  ['nev', 'new-energy'],
  // Battery materials (cathodes, anodes, separators, membranes) and photovoltaic materials.
  ['new-energy', 'materials'],
  // Lightweight vehicle bodies: carbon-fibre composites, aluminium and magnesium alloys.
  ['nev', 'materials'],
  // Panels, backlights and touch screens are parts of electronic devices.
  ['display', 'electronics'],
  // OLED emitters, quantum dots, polyimide substrates and polarisers are display materials.
  ['display', 'materials'],
  // Implants, degradable alloys and biomedical polymers are materials problems.
  ['biomed', 'materials'],
  // Biosensors, in-vitro diagnostics and wearable health monitoring.
  ['biomed', 'sensors'],
];
