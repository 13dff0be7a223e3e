"""Write 2022_national.xlsx: the national-level facts of the 2022 informative note, as format A.

The transcription below is the single source for that workbook; it states exactly what the note
says and nothing more (data/sources/informative_note_2022_en.md). Counts the note does not give
stay blank; periods the note gives in months are written as months ("2022-07"), never as days;
the activities' target group is blank (the note gives none: "most" were for students, young
people and teachers, which stays in the description). The text is the English translation of the
note (Language: en); its Romanian and Russian versions are in data/translations/.
Run: .venv/bin/python data/seed/build_2022_national.py
"""
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).with_name("2022_national.xlsx")
NOTE = "Informative note 2022, State Chancellery"

COMMISSION = [
    ("Unit", "Republica Moldova"),
    ("Year", 2022),
    ("Submitted on", None),
    ("Prepared by", "State Chancellery, Directorate of human rights and cooperation with civil society"),
    ("Reported", "yes"),
    ("Language", "en"),
]

TOPICS = [  # section I, "Topics of discussions"
    "Approval of the Commission's annual activity plan",
    "Evaluation of the activity of multidisciplinary teams",
    'Organization of the "Week against human trafficking"',
    "The implementation during 2022 of the policies in the field of prevention and combating of TIP",
    "Intersectoral cooperation between authorities and specialists",
    "Legal and procedural aspects regarding the employment of refugees, migrants and foreign "
    "citizens in the Republic of Moldova",
    "Orientation, professional training, employment of graduates, young people up to 25 years old, "
    "people from vulnerable groups, potential victims and victims of TIP",
]

ACTIVITIES_HEADER = ["Date", "End date", "Type", "Target group", "Participants", "Campaign",
                     "Description", "Count", "Approximate"]
ACTIVITIES = [  # section II: "Around 500 activities for informing the general public were carried out"
    [None, None, "information", None, None, None,
     "Activities for informing the general public; most were organised for students, young people "
     "and teachers, most during the Fighting TIP Week (" + NOTE + ")", 500, "yes"],
]

CAMPAIGNS = [
    ["Fighting TIP Week", "2022-10-17", "2022-10-23",
     "Most of the information and awareness events took place during this week (" + NOTE + ")"],
]

TRAININGS_HEADER = ["Title", "Start date", "End date", "Organisers", "Participants", "Count"]
TRAININGS = [  # the note gives months only ("Between July and October 2022", "During October-December")
    ["Identifying human trafficking cases in the context of mixed migration flows. Risks and "
     "vulnerabilities of refugees and displaced persons in the context of the war in Ukraine",
     "2022-07", "2022-10", "State Chancellery; CI \"La Strada\"; War Child Holland", 125, 5],
    ["How to implement the National Referral Mechanism for the protection and assistance of crime victims",
     "2022-10", "2022-12",
     "National Social Assistance Agency; Ministry of Labor and Social Protection; with the support of "
     "the International Organization for Migration, Mission in Moldova", None, 4],
]

VICTIMS_HEADER = ["Sex", "Age group", "Exploitation", "Status", "Count", "Referred to",
                  "Legal", "Medical", "Psychological", "Housing"]
VICTIMS = [  # section III: 27 victims or presumed victims; assistance given, counts not given
    ["unknown", "unknown", "unknown", "unknown", 27, "competent institutions", "yes", "yes", "yes", "yes"],
]

PARTNERS = [  # section III, "Working with NGOs at the local level"
    'AO "Women and Child Protection and Support"',
    'AO "Artemida"',
    'AO "Honor and Rights of Contemporary Women"',
    'Youth Friendly Health Center "Ana"',
    'AO "Lădița cu lemne"',
    'AO "Concordia - Social Projects"',
    'JSC "DIACONIA"',
    "CCF - Moldova",
]

CHALLENGES = [  # section IV, in the note's order; the note gives no categories
    "The lack of interaction between all the factors with the role of involvement, communication, "
    "capable of solving citizens' problems from an intersectoral aspect",
    "The need to support children whose parents are abroad, including the prohibition of their "
    "departure without the consent of the guardianship authorities",
    "Development of social services",
    "Informing, especially of children, regarding the possibility of reporting detected cases and situations",
    "Cooperation with the media",
    "Revision of the normative framework in order to penalize traffickers more harshly, as well as "
    "organizations who illegally hire citizens",
    "The spectrum of potential actors active in the anti-trafficking segment could be supplemented by "
    "the following: the church/religious communities, informal community leaders, organizations, "
    "community mediators, paralegals, labor inspectors. These categories of actors are rarely met as "
    "members of TCs, or seen as their partners in the implementation of policies to prevent and combat TIP",
    "The lack/insufficiency of social, psychological and medical assistance services for victims cause "
    "major difficulties",
    "Revising the TC structure in the context of taking into account the existence of several "
    "coordination institutions in the social field at the level of administrative-territorial units of level II",
    "Revising the activity mechanism of the TC, expanding the scope of activity and the principles of "
    "cooperation of its members",
    "Creation of a new unit that will activate/monitor the anti-trafficking field or the creation of a new "
    "local structure-social service within the Social Assistance and Family Protection Directorate with 4 "
    "employees: coordinator, social worker, jurist, psychologist",
    "Analysis and establishment of a wider spectrum of actors in the TC membership",
    "Examining the possibility of establishing a TC secretariat, remunerated within the limits of the "
    "financial resources available at the level of administrative-territorial units in order to ensure "
    "the continuity of activities, as well as the realization of TC decisions",
    "Ensuring the methodological guidance of TC in order to ensure the sustainability of the "
    "implementation of national anti-trafficking policies at the local level",
    "Development and distribution of informative materials",
    "At the meetings of the local Councils in the territory, to examine the problems related to the TIP "
    "and its consequences",
    "Organization of raids in order to identify people who provide services through work in agricultural "
    "sectors in the territory",
    "Organization of trainings, especially in the context of the turnover of specialists, with the "
    "following topics: international legal framework in the field of TIP, methods of prevention of TIP, "
    "procedural aspects in detecting TIP, protection and assistance of victims and witnesses in TIP cases, "
    "procedural aspects of international cooperation in the field of combating TIP",
]

# Section V, the State Chancellery's own conclusions, in the note's order (list items as above:
# without the bullet and the closing ";" or "."): sheet Conclusions.
CONCLUSIONS = [
    "A comprehensive analysis of the situation at the local level and the activity of the territorial "
    "Commissions is complicated to achieve, given the fact that not all Commissions present the requested "
    "information, or the information is incomplete",
    "Most of the Territorial Commissions reported they have had meetings. However, there are also "
    "Commissions that had no meetings, which indicates less activity based on a collaboration between "
    "specialists",
    "Most of the Territorial Commissions organize information campaigns and strengthen the capacities of "
    "specialists, which proves that the prevention of the TIP phenomenon at the local level is a priority. "
    "However, some Commissions report a lack of informative materials and financial resources in this "
    "regard, as well as the need to organize more information campaigns, especially for schools",
    "Training needs are mainly generated by the turnover of specialists",
    "Some of the Territorial Commissions report the lack of interaction and communication between all the "
    "relevant actors, a fact that generates difficulties in conducting the required work",
]

# The introduction's context: why the note was written and on what basis (whole sentences, verbatim):
# sheet Context. Its third sentence ("7 TAUs did not provide relevant information.") is a figure,
# already in the data (the 7 rows reported=no of 2022_summary.csv).
CONTEXT = [
    "This informative note was developed in order to evaluate the degree of implementation by the local "
    "public authorities (LPA) of policies in the field of preventing and combating human trafficking (TIP) "
    "during 2022.",
    "The document includes the results obtained by the Territorial Commissions for combating TIP (TC) from "
    "28 territorial administrative units (TAU) in the country, collected and generalized by the Directorate "
    "of human rights and cooperation with civil society of the State Chancellery based on the Action Plan "
    "for the years 2021-2022 regarding the implementation of the National Prevention and Combating "
    "Strategy of human trafficking for the years 2018-2023 and a set of indicators.",
]


def build(out: Path = OUT) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Commission"
    for row in COMMISSION:
        ws.append(list(row))
    sheets = [
        ("Topics", ["Topic"], [[t] for t in TOPICS]),
        ("Activities", ACTIVITIES_HEADER, ACTIVITIES),
        ("Campaigns", ["Campaign", "Start date", "End date", "Description"], CAMPAIGNS),
        ("Trainings", TRAININGS_HEADER, TRAININGS),
        ("Victims", VICTIMS_HEADER, VICTIMS),
        ("Partners", ["Organisation", "Kind", "Cooperation"],
         [[p, "NGO", "Assistance and reintegration services (listed as NGOs in the note)"] for p in PARTNERS]),
        ("Challenges", ["Challenge or need", "Category"], [[c, None] for c in CHALLENGES]),
        ("Conclusions", ["Conclusion"], [[c] for c in CONCLUSIONS]),
        ("Context", ["Context"], [[c] for c in CONTEXT]),
    ]
    for title, header, rows in sheets:
        sheet = wb.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    wb.properties.title = "tipdash seed: national-level facts of the 2022 informative note"
    wb.properties.creator = "tipdash"
    wb.save(out)
    return out


if __name__ == "__main__":
    print(build())
