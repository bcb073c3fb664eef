import Foundation
import PovertyCore

/// Everything the demo province holds, generated in memory from a seed before anything
/// is written: grassroots unions with their history, members with their moves,
/// households, and one review per household and year. Deterministic: the same seed and
/// size give the same plan on every machine (no dictionary is ever iterated).
struct DemoPlan: Sendable {
    typealias Geo = DemoGeography

    enum Workplace: Int, Sendable {
        case zoneEnterprise, localEnterprise, upperSchool, school, health, provincialAgency, districtAgency, special
    }

    struct Grassroots: Sendable {
        let code: String
        let name: String
        let kind: Workplace
        let district: Int
        let locality: String?
        let from: Day
        /// Exclusive end, when the union closed (merged or dissolved).
        var to: Day?
        /// Parent until 30/06/2025 (nil when created after).
        let parentBefore: String?
        /// Parent from 01/07/2025 (nil when closed before).
        let parentAfter: String?
        var successorCode: String?
        /// The grassroots union that takes the members over (a merger of schools).
        var successorUnit: Int?
        var successionKind: String?
        let weight: Int

        var province: Geo.OldProvince { Geo.districts[district].province }
        func isActive(on day: Day) -> Bool { from <= day && (to.map { day < $0 } ?? true) }
    }

    struct Event: Sendable {
        let day: Day
        /// The union moved to; nil when the member leaves the union.
        let unit: Int?
    }

    struct Member: Sendable {
        let code: String
        let name: String
        let female: Bool
        let birth: Day
        let citizenID: String
        let ethnicity: String
        let household: Int
        /// Members whose leaving would not end their household's reviews: the only member of
        /// a household, or a spouse.
        let canLeave: Bool
        let unit: Int
        let joined: Day
        var events: [Event] = []

        /// The union on a day, nil before joining or after leaving.
        func unit(on day: Day) -> Int? {
            guard joined <= day else { return nil }
            var current: Int? = unit
            for e in events where e.day <= day { current = e.unit }
            return current
        }
    }

    struct Household: Sendable {
        let code: String
        let primary: Int
        var spouse: Int?
        let commune: Int
        let urban: Bool
        let ethnicity: String
        let size: Int
        let address: String
        let causes: String
        /// Whether the commune's official list is copied into the survey (`phan_loai_cong_nhan`).
        let sharesList: Bool
        var minority: Bool { ethnicity != "Kinh" }
    }

    struct Review: Sendable {
        let household: Int32
        let year: Int16
        let unit: Int32
        let size: Int8
        let total: Int
        let mask: UInt64
        let status: LivingStandard
        let official: LivingStandard?
    }

    static let founding = Day(year: 1997, month: 1, day: 1)!
    static let zonesFounded = Day(year: 2008, month: 1, day: 1)!
    static let schoolMerger = Day(year: 2022, month: 8, day: 1)!
    static let newZoneUnions = Day(year: 2023, month: 3, day: 1)!
    static let closures = Day(year: 2024, month: 4, day: 1)!
    static let newAfterReform = Day(year: 2025, month: 9, day: 1)!
    static let baselineCutoff = Day(year: 2021, month: 6, day: 30)!
    static let years = 2021...2026
    /// Days on which the set of grassroots unions changes.
    static let boundaries = [schoolMerger, newZoneUnions, closures, newAfterReform]

    let seed: UInt64
    let units: [Grassroots]
    let members: [Member]
    let households: [Household]
    let reviews: [Review]

    init(households count: Int, seed: UInt64) {
        var b = Builder(seed: seed)
        b.makeUnits(base: max(30, count / 40))
        b.makePeople(count: max(1, count))
        b.makeMoves()
        b.makeReviews()
        self.seed = seed
        units = b.units
        members = b.members
        households = b.households
        reviews = b.reviews
    }
}

// MARK: - generation

extension DemoPlan {
    struct Builder {
        var rng: SeededRandom
        var units: [Grassroots] = []
        var members: [Member] = []
        var households: [Household] = []
        var reviews: [Review] = []
        var usedNames = Set<String>()
        var usedCitizenIDs = Set<String>()
        var candidates: [Int: (ids: [Int], cumulative: [Int])] = [:]

        init(seed: UInt64) { rng = SeededRandom(seed: seed) }

        // MARK: picking

        mutating func weighted(_ weights: [Int]) -> Int {
            let total = weights.reduce(0, +)
            var r = rng.int(in: 0...(total - 1))
            for (i, w) in weights.enumerated() {
                if r < w { return i }
                r -= w
            }
            return weights.count - 1
        }

        mutating func district(in province: Geo.OldProvince? = nil) -> Int {
            let ids = Geo.districts.indices.filter { province == nil || Geo.districts[$0].province == province }
            return ids[weighted(ids.map { Geo.districts[$0].weight })]
        }

        mutating func commune(of district: Int) -> Int {
            let ids = Geo.communesOfDistrict[district]
            return ids[weighted(ids.enumerated().map { $0.offset == 0 ? 3 : 2 })]
        }

        mutating func between(_ lo: Int, _ hi: Int) -> Int {
            let a = (lo + 9_999) / 10_000, b = max(a, hi / 10_000)
            return rng.int(in: a...b) * 10_000
        }

        mutating func shuffle(_ items: inout [Int]) {
            guard items.count > 1 else { return }
            for i in stride(from: items.count - 1, to: 0, by: -1) {
                items.swapAt(i, rng.int(in: 0...i))
            }
        }

        /// A grassroots union active on `day`, weighted by size, in `province` if given.
        mutating func unit(activeOn day: Day, province: Geo.OldProvince?, excluding: [Int] = []) -> Int {
            let period = DemoPlan.boundaries.filter { $0 <= day }.count
            let key = period * 4 + (province?.rawValue ?? 3)
            var list: (ids: [Int], cumulative: [Int])
            if day >= Day(year: 2021, month: 1, day: 1)!, let cached = candidates[key] {
                list = cached
            } else {
                var ids: [Int] = [], cumulative: [Int] = []
                var total = 0
                for (i, u) in units.enumerated() where u.isActive(on: day) && (province == nil || u.province == province) {
                    total += u.weight
                    ids.append(i)
                    cumulative.append(total)
                }
                list = (ids, cumulative)
                if day >= Day(year: 2021, month: 1, day: 1)! { candidates[key] = list }
            }
            if list.ids.isEmpty { return unit(activeOn: day, province: nil, excluding: excluding) }
            let total = list.cumulative.last!
            for _ in 0..<8 {
                let r = rng.int(in: 0...(total - 1))
                var lo = 0, hi = list.ids.count - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if list.cumulative[mid] > r { hi = mid } else { lo = mid + 1 }
                }
                if !excluding.contains(list.ids[lo]) { return list.ids[lo] }
            }
            return list.ids.first { !excluding.contains($0) } ?? list.ids[0]
        }

        // MARK: units

        mutating func name(_ kind: inout Workplace, district: inout Int) -> (String, String?) {
            let province = Geo.districts[district].province
            func provincial(_ s: String) -> String { s.hasSuffix("tỉnh") ? "\(s) \(province.name)" : "\(s) tỉnh \(province.name)" }
            for _ in 0..<30 {
                let d = Geo.districts[district]
                var locality: String?
                let candidate: String
                switch kind {
                case .zoneEnterprise:
                    candidate = "Công ty TNHH \(rng.pick(Geo.zoneProducts)) \(rng.pick(Geo.brands))"
                case .localEnterprise:
                    candidate = "Công ty Cổ phần \(rng.pick(Geo.localProducts)) \(rng.pick(Geo.brands))"
                case .upperSchool:
                    let pool = (Geo.famousSchools[d.key] ?? []) + ["\(d.name) A", "\(d.name) B", "\(d.name) C"]
                    candidate = "Trường THPT \(rng.pick(pool))"
                case .school:
                    locality = rng.pick(d.localities)
                    candidate = "Trường \(rng.pick(["Mầm non", "Tiểu học", "THCS"])) \(locality!)"
                case .health:
                    if rng.chance(350) {
                        district = Geo.districts.firstIndex { $0.province == province }!
                        candidate = provincial(rng.pick(Geo.hospitals))
                    } else if rng.chance(500) {
                        candidate = "Trung tâm Y tế \(d.fullName)"
                    } else {
                        locality = rng.pick(d.localities)
                        candidate = "Phòng khám Đa khoa khu vực \(locality!)"
                    }
                case .provincialAgency:
                    district = Geo.districts.firstIndex { $0.province == province }!
                    candidate = provincial(rng.pick(Geo.provincialAgencies))
                case .districtAgency:
                    candidate = "\(rng.pick(Geo.districtAgencies)) \(d.fullName)"
                case .special:
                    if province == .ninhBinh {
                        candidate = "\(rng.pick(["Công ty Cổ phần Xây dựng Giao thông", "Công ty TNHH Vận tải", "Công ty Cổ phần Tư vấn Xây dựng"])) \(rng.pick(Geo.brands))"
                    } else if d.level == "huyện" {
                        locality = rng.pick(d.localities)
                        candidate = rng.pick(["Công ty TNHH MTV Khai thác công trình thủy lợi \(locality!)", "Hợp tác xã Nông nghiệp \(locality!)",
                                              "Trạm Khuyến nông \(d.fullName)"])
                    } else {
                        candidate = provincial(rng.pick(["Chi cục Thủy lợi", "Trung tâm Khuyến nông", "Chi cục Chăn nuôi và Thú y",
                                                         "Chi cục Trồng trọt và Bảo vệ thực vật"]))
                    }
                }
                let full = "CĐCS " + candidate
                if usedNames.insert(full).inserted { return (full, locality) }
            }
            if kind != .localEnterprise && kind != .zoneEnterprise {
                kind = .localEnterprise
                return name(&kind, district: &district)
            }
            var n = 2
            while true {
                let full = "CĐCS Công ty TNHH \(rng.pick(Geo.brands)) số \(n)"
                if usedNames.insert(full).inserted { return (full, nil) }
                n += 1
            }
        }

        func parents(_ kind: Workplace, district: Int, commune: Int) -> (before: String, after: String) {
            let p = Geo.districts[district].province
            let here = Geo.districts[district].code, local = Geo.communes[commune].code
            switch kind {
            case .zoneEnterprise: return (Geo.sector("KCN", of: p)!.code, Geo.sector("KCN", of: .ninhBinh)!.code)
            case .upperSchool: return (Geo.sector("GD", of: p)!.code, Geo.sector("GD", of: .ninhBinh)!.code)
            case .health: return (Geo.sector("YT", of: p)!.code, Geo.sector("YT", of: .ninhBinh)!.code)
            case .provincialAgency: return (Geo.sector("VC", of: p)!.code, Geo.sector("VC", of: .ninhBinh)!.code)
            case .special: return (Geo.sector(p == .ninhBinh ? "GTXD" : "NN", of: p)!.code, local)
            case .localEnterprise, .school, .districtAgency: return (here, local)
            }
        }

        mutating func addUnit(kind requested: Workplace, district requestedDistrict: Int, from: Day?) {
            var kind = requested
            var district = requestedDistrict
            let p = Geo.districts[district].province
            if kind == .special && p == .haNam { kind = .localEnterprise }
            let (name, locality) = self.name(&kind, district: &district)
            let commune = commune(of: district)
            let (before, after) = parents(kind, district: district, commune: commune)
            let start = from ?? DemoCalendar.random(from: kind == .zoneEnterprise ? Day(year: 2008, month: 3, day: 1)! : Day(year: 1997, month: 2, day: 1)!,
                                                    to: Day(year: 2020, month: 12, day: 31)!, using: &rng)!
            let weight: Int
            switch kind {
            case .zoneEnterprise: weight = rng.int(in: 4...10)
            case .localEnterprise: weight = rng.int(in: 2...6)
            case .upperSchool: weight = rng.int(in: 2...3)
            case .school, .districtAgency: weight = rng.int(in: 1...2)
            case .health: weight = name.contains("Bệnh viện") ? rng.int(in: 3...6) : rng.int(in: 2...3)
            case .provincialAgency: weight = rng.int(in: 1...3)
            case .special: weight = rng.int(in: 2...4)
            }
            units.append(Grassroots(code: "CDCS-" + String(units.count + 1).demoPadded(5), name: name, kind: kind, district: district,
                                    locality: locality, from: start, to: nil, parentBefore: start < Day.reform2025 ? before : nil,
                                    parentAfter: after, successorCode: nil, successorUnit: nil, successionKind: nil, weight: weight))
        }

        mutating func makeUnits(base: Int) {
            // Mix of workplaces: enterprises in and out of the industrial zones, schools,
            // health, provincial and district agencies, and the two sectors that disappear.
            let mix: [(Workplace, Int)] = [(.zoneEnterprise, 17), (.localEnterprise, 20), (.upperSchool, 8), (.school, 22),
                                           (.health, 9), (.provincialAgency, 8), (.districtAgency, 10), (.special, 6)]
            for _ in 0..<base {
                let kind = mix[weighted(mix.map(\.1))].0
                addUnit(kind: kind, district: district(), from: nil)
            }
            // 01/08/2022: pairs of schools of one district merge into a primary-and-lower-secondary school.
            var schools = units.indices.filter { units[$0].kind == .school }
            shuffle(&schools)
            var used = Set<Int>()
            var merged = 0
            // A small province may have no two schools in one district: then the first school
            // gets a neighbour (the lower secondary school of the same place) to merge with.
            if !schools.isEmpty, !schools.contains(where: { a in schools.contains { $0 != a && units[$0].district == units[a].district } }) {
                let a = schools[0]
                let locality = units[a].locality ?? Geo.districts[units[a].district].localities[0]
                let name = ["Trường THCS \(locality)", "Trường Tiểu học \(locality)", "Trường Mầm non \(locality)"].map { "CĐCS " + $0 }
                    .first { !usedNames.contains($0) }
                if let name {
                    usedNames.insert(name)
                    let district = units[a].district
                    let (before, after) = parents(.school, district: district, commune: commune(of: district))
                    let from = DemoCalendar.random(from: Day(year: 1997, month: 2, day: 1)!, to: Day(year: 2020, month: 12, day: 31)!, using: &rng)!
                    schools.append(units.count)
                    units.append(Grassroots(code: "CDCS-" + String(units.count + 1).demoPadded(5), name: name, kind: .school, district: district,
                                            locality: locality, from: from, to: nil, parentBefore: before, parentAfter: after,
                                            successorCode: nil, successorUnit: nil, successionKind: nil, weight: rng.int(in: 1...2)))
                }
            }
            for a in schools where merged < max(1, base / 50) && !used.contains(a) {
                guard let b = schools.first(where: { $0 != a && !used.contains($0) && units[$0].district == units[a].district }) else { continue }
                used.insert(a); used.insert(b)
                let district = units[a].district
                let locality = units[a].locality ?? Geo.districts[district].localities[0]
                var name = "CĐCS Trường Tiểu học và THCS \(locality)"
                var n = 2
                while !usedNames.insert(name).inserted { name = "CĐCS Trường Tiểu học và THCS \(locality) số \(n)"; n += 1 }
                let c = commune(of: district)
                let id = units.count
                units.append(Grassroots(code: "CDCS-" + String(id + 1).demoPadded(5), name: name, kind: .school, district: district,
                                        locality: locality, from: DemoPlan.schoolMerger, to: nil, parentBefore: Geo.districts[district].code,
                                        parentAfter: Geo.communes[c].code, successorCode: nil, successorUnit: nil, successionKind: nil,
                                        weight: units[a].weight + units[b].weight))
                for old in [a, b] {
                    units[old].to = DemoPlan.schoolMerger
                    units[old].successorCode = units[id].code
                    units[old].successorUnit = id
                    units[old].successionKind = "sap_nhap"
                }
                merged += 1
            }
            // 01/03/2023: new enterprises open in the industrial zones.
            for _ in 0..<max(1, base / 60) {
                addUnit(kind: .zoneEnterprise, district: district(), from: DemoPlan.newZoneUnions)
            }
            // 01/04/2024: some local enterprises close; their union is dissolved into the district federation.
            var enterprises = units.indices.filter { units[$0].kind == .localEnterprise && units[$0].to == nil && units[$0].from < DemoPlan.schoolMerger }
            shuffle(&enterprises)
            for i in enterprises.prefix(max(1, base / 80)) {
                units[i].to = DemoPlan.closures
                units[i].successorCode = Geo.districts[units[i].district].code
                units[i].successionKind = "giai_the"
            }
            // 01/09/2025: a new enterprise's union, straight under a commune/ward union.
            for _ in 0..<max(1, base / 100) {
                addUnit(kind: .localEnterprise, district: district(), from: DemoPlan.newAfterReform)
            }
        }

        // MARK: people

        mutating func personName(female: Bool) -> String {
            let family = rng.pick(VietnameseNames.family)
            let middle = rng.pick(female ? VietnameseNames.middleFemale : VietnameseNames.middleMale)
            let given = rng.pick(female ? VietnameseNames.givenFemale : VietnameseNames.givenMale)
            return "\(family) \(middle) \(given)"
        }

        mutating func citizenID(province: Geo.OldProvince, birth: Int, female: Bool) -> String {
            let prefix = rng.chance(880) ? province.citizenPrefix : rng.pick(Geo.OldProvince.allCases).citizenPrefix
            let centuryDigit = (birth >= 2000 ? 2 : 0) + (female ? 1 : 0)
            while true {
                let id = prefix + String(centuryDigit) + String(birth % 100).demoPadded(2) + String(rng.int(in: 0...999_999)).demoPadded(6)
                if usedCitizenIDs.insert(id).inserted { return id }
            }
        }

        mutating func birthday(_ year: Int) -> Day {
            DemoCalendar.random(from: Day(year: year, month: 1, day: 1)!, to: Day(year: year, month: 12, day: 31)!, using: &rng)!
        }

        /// The day one of the first members joined: as an adult, after their union was founded, before mid-2021.
        mutating func joinDay(unit: Int, birth: Day) -> Day {
            let adult = Day(year: birth.year + 18, month: birth.month, day: min(birth.day, 28))!
            let lo = max(DemoCalendar.adding(1, to: units[unit].from), adult, Day(year: 1997, month: 1, day: 2)!)
            return DemoCalendar.random(from: lo, to: DemoPlan.baselineCutoff, using: &rng) ?? DemoPlan.baselineCutoff
        }

        mutating func makePeople(count: Int) {
            let newcomers = count * 7 / 100
            let base = count - newcomers
            for h in 0..<count {
                let year: Int? = h < base ? nil : 2022 + (h - base) * 4 / max(1, newcomers)
                // The primary member and where they work.
                let female = rng.chance(470)
                let birthYear = year == nil ? rng.int(in: 1966...2002) : rng.int(in: 1978...2003)
                let birth = birthday(birthYear)
                let firstDay = year.map { DemoCalendar.random(from: Day(year: $0, month: 1, day: 2)!, to: Day(year: $0, month: 11, day: 30)!, using: &rng)! }
                let unit = unit(activeOn: firstDay ?? DemoPlan.baselineCutoff, province: nil)
                let joined = year == nil ? joinDay(unit: unit, birth: birth) : max(firstDay!, DemoCalendar.adding(1, to: units[unit].from))
                // Where the household lives: mostly near the workplace.
                let workDistrict = units[unit].district
                let homeDistrict = rng.chance(750) ? workDistrict : district(in: Geo.districts[workDistrict].province)
                let commune = commune(of: homeDistrict)
                let urban = Geo.communes[commune].isWard ? rng.chance(800) : rng.chance(100)
                let ethnicity = rng.chance(Geo.districts[homeDistrict].muong) ? "Mường" : "Kinh"
                let couple = rng.chance(300)
                let size = couple ? [2, 3, 4, 5, 6][weighted([10, 30, 38, 15, 7])] : [1, 2, 3, 4, 5, 6, 7][weighted([8, 14, 26, 30, 14, 6, 2])]
                let province = Geo.districts[homeDistrict].province
                let primary = members.count
                members.append(Member(code: "DV" + String(primary + 1).demoPadded(7), name: personName(female: female), female: female,
                                      birth: birth, citizenID: citizenID(province: province, birth: birthYear, female: female),
                                      ethnicity: ethnicity, household: h, canLeave: !couple, unit: unit, joined: joined))
                var spouse: Int?
                if couple {
                    let sYear = min(year == nil ? 2002 : 2003, max(1966, birthYear + rng.int(in: -6...6)))
                    let sBirth = birthday(sYear)
                    let sDay = year.map { DemoCalendar.random(from: Day(year: $0, month: 1, day: 2)!, to: Day(year: $0, month: 11, day: 30)!, using: &rng)! }
                    let sUnit = self.unit(activeOn: sDay ?? DemoPlan.baselineCutoff,
                                          province: rng.chance(850) ? units[unit].province : nil, excluding: [unit])
                    let sJoined = year == nil ? joinDay(unit: sUnit, birth: sBirth) : max(sDay!, DemoCalendar.adding(1, to: units[sUnit].from))
                    spouse = members.count
                    members.append(Member(code: "DV" + String(spouse! + 1).demoPadded(7), name: personName(female: !female), female: !female,
                                          birth: sBirth, citizenID: citizenID(province: province, birth: sYear, female: !female),
                                          ethnicity: ethnicity, household: h, canLeave: true, unit: sUnit, joined: sJoined))
                }
                let detail: String
                if Geo.communes[commune].isWard { detail = "Tổ dân phố số \(rng.int(in: 1...30))" }
                else if rng.chance(500) { detail = "Thôn \(rng.pick(Geo.hamlets))" }
                else { detail = "Xóm \(rng.int(in: 1...20))" }
                var causes = [Geo.causeWeights[weighted(Geo.causeWeights.map(\.1))].0]
                if rng.chance(350) {
                    let second = Geo.causeWeights[weighted(Geo.causeWeights.map(\.1))].0
                    if second != causes[0] { causes.append(second) }
                }
                households.append(Household(code: "HO" + String(h + 1).demoPadded(7), primary: primary, spouse: spouse, commune: commune,
                                            urban: urban, ethnicity: ethnicity, size: size, address: detail,
                                            causes: causes.map(\.rawValue).joined(separator: ";"), sharesList: rng.chance(620)))
            }
        }

        // MARK: moves

        /// Transfers and departures 2021–2025, and what the closing of unions does to their
        /// members, in date order.
        mutating func makeMoves() {
            struct Candidate { let ordinal: Int; let member: Int; let leaves: Bool }
            var list: [Candidate] = []
            for m in members.indices {
                var last = members[m].joined
                for year in max(2021, last.year)...2025 {
                    let r = rng.int(in: 0...999)
                    let leaves: Bool
                    if r < 26 { leaves = false } else if r < 37 && members[m].canLeave { leaves = true } else { continue }
                    let lo = max(Day(year: year, month: 1, day: 2)!, DemoCalendar.adding(1, to: last))
                    guard let d = DemoCalendar.random(from: lo, to: Day(year: year, month: 12, day: 28)!, using: &rng) else { continue }
                    list.append(Candidate(ordinal: DemoCalendar.ordinal(d), member: m, leaves: leaves))
                    last = d
                    if leaves { break }
                }
            }
            list.sort { ($0.ordinal, $0.member) < ($1.ordinal, $1.member) }
            var current = members.map(\.unit)
            var active = [Bool](repeating: true, count: members.count)
            var partner = [Int](repeating: -1, count: members.count)
            for h in households { if let s = h.spouse { partner[h.primary] = s; partner[s] = h.primary } }
            var organisational = [DemoPlan.schoolMerger, DemoPlan.closures].map(DemoCalendar.ordinal)

            func others(_ m: Int) -> [Int] { partner[m] >= 0 && active[partner[m]] ? [current[m], current[partner[m]]] : [current[m]] }

            for c in list + [Candidate(ordinal: .max, member: -1, leaves: false)] {
                while let next = organisational.first, next < c.ordinal {
                    organisational.removeFirst()
                    let day = DemoCalendar.day(next)
                    for m in members.indices where active[m] && members[m].joined < day && units[current[m]].to == day {
                        let closing = units[current[m]]
                        if let successor = closing.successorUnit {
                            current[m] = successor
                            members[m].events.append(Event(day: day, unit: successor))
                        } else if members[m].canLeave && rng.chance(450) {
                            active[m] = false
                            members[m].events.append(Event(day: day, unit: nil))
                        } else {
                            let target = unit(activeOn: day, province: closing.province, excluding: others(m))
                            current[m] = target
                            members[m].events.append(Event(day: day, unit: target))
                        }
                    }
                }
                guard c.member >= 0, active[c.member] else { continue }
                let m = c.member
                let day = DemoCalendar.day(c.ordinal)
                guard members[m].joined < day else { continue }
                if c.leaves {
                    active[m] = false
                    members[m].events.append(Event(day: day, unit: nil))
                } else {
                    let target = unit(activeOn: day, province: rng.chance(850) ? units[current[m]].province : nil, excluding: others(m))
                    guard target != current[m] else { continue }
                    current[m] = target
                    members[m].events.append(Event(day: day, unit: target))
                }
            }
        }

        // MARK: reviews

        mutating func makeReviews() {
            let catalog = StandardCatalog.builtIn
            let s22 = catalog.standard(code: "vn-2022")!, s27 = catalog.standard(code: "vn-2027")!
            func bit(_ code: String) -> UInt64 { 1 << catalog.indicator(code: code)!.index }
            let pool: [(UInt64, Int)] = [("viec_lam", 14), ("phu_thuoc", 12), ("dinh_duong", 5), ("bhyt", 16), ("giao_duc_nguoi_lon", 9),
                                         ("di_hoc_tre_em", 4), ("chat_luong_nha", 10), ("dien_tich_nha", 6), ("nuoc_sinh_hoat", 7),
                                         ("nha_tieu", 9), ("vien_thong", 6), ("phuong_tien_thong_tin", 4)].map { (bit($0.0), $0.1) }
            let m22 = s22.indicatorMask
            let racThaiBit = bit("rac_thai"), healthAccessBit = bit("tiep_can_y_te"), insuranceBit = bit("bhyt")
            func d(_ m: UInt64) -> Int { (m & m22).nonzeroBitCount }

            let n = households.count
            var state = [LivingStandard](repeating: .notPoor, count: n)
            var reviewed = [Bool](repeating: false, count: n)
            var income = [Int](repeating: 0, count: n)
            var mask = [UInt64](repeating: 0, count: n)
            var wasPoor = [Bool](repeating: false, count: n)

            func add(_ m: inout UInt64, _ rng: inout SeededRandom) {
                let free = pool.filter { m & $0.0 == 0 }
                guard !free.isEmpty else { return }
                let total = free.reduce(0) { $0 + $1.1 }
                var r = rng.int(in: 0...(total - 1))
                for (b, w) in free {
                    if r < w { m |= b; return }
                    r -= w
                }
            }
            func remove(_ m: inout UInt64, _ rng: inout SeededRandom) {
                let set = pool.filter { m & $0.0 != 0 }
                guard !set.isEmpty else { return }
                m &= ~rng.pick(set).0
            }

            var baseline = 0
            // This province's own course: 3.5–4.5% poor in 2021, then −21% to −27% a year.
            let startShare = Double(rng.int(in: 35...45)) / 1000
            var course = 1.0
            for year in DemoPlan.years {
                let end = Day.endOfYear(year)
                var unitOf = [Int](repeating: -1, count: n)
                for h in 0..<n { unitOf[h] = members[households[h].primary].unit(on: end) ?? -1 }
                let continuing = (0..<n).filter { unitOf[$0] >= 0 && reviewed[$0] }
                let fresh = (0..<n).filter { unitOf[$0] >= 0 && !reviewed[$0] }

                // First reviews. In 2021 the classes are drawn by quota (3.5–4.5% poor, 4.5%
                // near-poor, 11% average), rural and Mường households more likely poor, so that
                // even a small province starts from a realistic baseline; newcomers of later years
                // (about 2% poor) by chance.
                var initial = [LivingStandard](repeating: .notPoor, count: n)
                func propensity(_ h: Int) -> Double {
                    (households[h].urban ? 0.55 : 1.3) * (households[h].minority ? 2.2 : 1)
                }
                if year == DemoPlan.years.lowerBound {
                    var pool = fresh
                    for (status, share) in [(LivingStandard.poor, startShare), (.nearPoor, 0.045), (.average, 0.11)] {
                        let k = min(pool.count, Int((Double(fresh.count) * share).rounded()))
                        // Weighted sampling without replacement (Efraimidis–Spirakis keys).
                        var keyed = pool.map { h -> (key: Double, h: Int) in
                            let u = (Double(rng.next() >> 11) + 1) / Double(1 << 53)
                            let w = status == .average ? 1 : propensity(h)
                            return (log(u) / w, h)
                        }
                        keyed.sort { ($0.key, $0.h) > ($1.key, $1.h) }
                        let chosen = Set(keyed.prefix(k).map(\.h))
                        for h in chosen { initial[h] = status }
                        pool = pool.filter { !chosen.contains($0) }
                    }
                } else {
                    for h in fresh {
                        let scale = propensity(h)
                        let p = Int(20 * scale), q = Int(35 * scale)
                        initial[h] = [LivingStandard.poor, .nearPoor, .average, .notPoor][weighted([p, q, 100, max(1, 1000 - p - q - 100)])]
                    }
                }
                let newcomersPoor = fresh.filter { initial[$0] == .poor }.count

                // Then poverty moves on a course of about −24% a year (two thirds down by 2025):
                // some households become poor (a share of them falling back), and as many poor
                // households escape as the course requires.
                var target = [LivingStandard?](repeating: nil, count: n)
                var poor = continuing.filter { state[$0] == .poor }
                shuffle(&poor)
                let inflow = Int((Double(poor.count) * 0.085).rounded())
                var fallback = continuing.filter { state[$0] != .poor && wasPoor[$0] }
                shuffle(&fallback)
                let falls = inflow == 0 ? 0 : min(fallback.count, max(1, Int((Double(inflow) * 0.4).rounded())))
                for h in fallback.prefix(falls) { target[h] = .poor }
                var near = continuing.filter { state[$0] == .nearPoor && !wasPoor[$0] }
                var average = continuing.filter { state[$0] == .average && !wasPoor[$0] }
                shuffle(&near); shuffle(&average)
                var newlyPoor = 0
                for _ in 0..<max(0, inflow - falls) {
                    if !near.isEmpty && (average.isEmpty || rng.chance(700)) { target[near.removeLast()] = .poor; newlyPoor += 1 }
                    else if !average.isEmpty { target[average.removeLast()] = .poor; newlyPoor += 1 }
                }
                if year > DemoPlan.years.lowerBound { course *= Double(rng.int(in: 730...790)) / 1000 }
                let goal = Int((Double(baseline) * course).rounded())
                let escapes = min(poor.count, max(0, poor.count + falls + newlyPoor + newcomersPoor - goal))
                for (i, h) in poor.enumerated() {
                    target[h] = i < escapes ? [LivingStandard.nearPoor, .average, .notPoor][weighted([55, 35, 10])] : .poor
                }

                for h in 0..<n where unitOf[h] >= 0 {
                    let area: Area = households[h].urban ? .urban : .rural
                    let line = s22.bands(for: area)[0].upTo, upper = s22.bands(for: area)[1].upTo
                    var i = income[h], m = mask[h]
                    if !reviewed[h] {
                        let s = initial[h]
                        var deprived: Int
                        switch s {
                        case .poor:
                            i = between(line * 55 / 100, line - 60_000)
                            deprived = [3, 4, 5, 6][weighted([45, 30, 17, 8])]
                        case .nearPoor:
                            i = between(line * 65 / 100, line - 60_000)
                            deprived = [0, 1, 2][weighted([25, 40, 35])]
                        case .average:
                            i = between(line + 60_000, upper - 60_000)
                            deprived = [0, 1, 2, 3][weighted([40, 30, 18, 12])]
                        case .notPoor:
                            let tier = weighted([50, 35, 15])
                            i = tier == 0 ? between(upper + 60_000, upper * 16 / 10) : tier == 1 ? between(upper * 16 / 10, upper * 25 / 10) : between(upper * 25 / 10, upper * 4)
                            deprived = [0, 1, 2, 3][weighted([55, 28, 12, 5])]
                        }
                        m = 0
                        while d(m) < deprived { add(&m, &rng) }
                        let vulnerable = s == .poor || s == .nearPoor
                        if area == .rural ? rng.chance(vulnerable ? 300 : 90) : rng.chance(25) { m |= racThaiBit }
                    } else {
                        i = i * (1000 + rng.int(in: 25...90)) / 1000
                        switch target[h] {
                        case .poor where state[h] == .poor:
                            i = min(i, line - 60_000)
                            if d(m) > 3 && rng.chance(200) { remove(&m, &rng) }
                        case .poor:
                            i = between(line * 70 / 100, line - 60_000)
                            while d(m) < 3 { add(&m, &rng) }
                            if rng.chance(400) { add(&m, &rng) }
                        case .nearPoor:
                            i = min(i, line - 60_000)
                            while d(m) > 2 { remove(&m, &rng) }
                        case .average:
                            i = between(line + 60_000, line + 450_000)
                            if rng.chance(500) { remove(&m, &rng) }
                        case .notPoor:
                            i = between(upper + 60_000, upper + 400_000)
                            while d(m) > 2 { remove(&m, &rng) }
                        case .none:
                            if rng.chance(25) { i = i * rng.int(in: 600...850) / 1000 }
                            if state[h] == .nearPoor && rng.chance(120) { i = max(i, between(line + 60_000, line + 400_000)) }
                            if d(m) > 0 && rng.chance(120) { remove(&m, &rng) }
                            if rng.chance(30) { add(&m, &rng) }
                            for l in [line, upper] where abs(i - l) < 60_000 { i = i < l ? l - 60_000 : l + 60_000 }
                            i = max(i, 300_000)
                            if i <= line { while d(m) > 2 { remove(&m, &rng) } }
                        }
                        if m & racThaiBit != 0 && rng.chance(100) { m &= ~racThaiBit }
                    }
                    income[h] = i
                    mask[h] = m
                    reviewed[h] = true
                    let size = households[h].size
                    let total = max(100_000, i * 12 * size / 100_000 * 100_000)
                    var row = m & ~healthAccessBit
                    if rng.chance(m & insuranceBit != 0 ? 350 : 30) { row |= healthAccessBit }
                    let answers = HouseholdAnswers(area: area, income: .yearlyTotal(total, size: size), deprivations: row)
                    let status = Classifier.classify(answers, under: year <= 2025 ? s22 : s27).status
                    state[h] = year <= 2025 ? status : Classifier.classify(answers, under: s22).status
                    if state[h] == .poor { wasPoor[h] = true }
                    var official: LivingStandard?
                    if households[h].sharesList {
                        official = status
                        if status != .notPoor && rng.chance(15) {
                            switch status {
                            case .poor: official = .nearPoor
                            case .nearPoor: official = rng.chance(500) || year > 2025 ? .poor : .average
                            case .average: official = .nearPoor
                            case .notPoor: official = year > 2025 ? .nearPoor : .average
                            }
                        }
                    }
                    reviews.append(Review(household: Int32(h), year: Int16(year), unit: Int32(unitOf[h]), size: Int8(size),
                                          total: total, mask: row, status: status, official: official))
                }
                for h in 0..<n where unitOf[h] < 0 { reviewed[h] = false }
                if year == DemoPlan.years.lowerBound { baseline = (0..<n).filter { reviewed[$0] && state[$0] == .poor }.count }
            }
            reviews.sort { ($0.household, $0.year) < ($1.household, $1.year) }
        }
    }
}
